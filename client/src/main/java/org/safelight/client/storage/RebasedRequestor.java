package org.safelight.client.storage;

import com.dropbox.core.http.HttpRequestor;
import com.dropbox.core.http.StandardHttpRequestor;
import java.io.IOException;
import java.util.Map;

/**
 * The Dropbox SDK's HTTP, with its fixed hosts replaced by configured bases: the SDK builds every
 * URL as {@code https://HOST/...} from its defaults, and this is how tests (and an operator's
 * proxy) point it elsewhere without changing what it sends.
 */
final class RebasedRequestor extends HttpRequestor {
    private final HttpRequestor inner = StandardHttpRequestor.INSTANCE;
    private final Map<String, String> bases;

    /** {@code bases}: from an SDK prefix ({@code https://api.dropboxapi.com}) to its replacement. */
    RebasedRequestor(Map<String, String> bases) {
        this.bases = Map.copyOf(bases);
    }

    private String rebase(String url) {
        for (Map.Entry<String, String> e : bases.entrySet()) {
            if (url.startsWith(e.getKey() + "/")) {
                return e.getValue() + url.substring(e.getKey().length());
            }
        }
        return url;
    }

    @Override
    public Response doGet(String url, Iterable<Header> headers) throws IOException {
        return inner.doGet(rebase(url), headers);
    }

    @Override
    public Uploader startPost(String url, Iterable<Header> headers) throws IOException {
        return inner.startPost(rebase(url), headers);
    }

    @Override
    public Uploader startPostInStreamingMode(String url, Iterable<Header> headers) throws IOException {
        return inner.startPostInStreamingMode(rebase(url), headers);
    }

    @Override
    public Uploader startPut(String url, Iterable<Header> headers) throws IOException {
        return inner.startPut(rebase(url), headers);
    }
}
