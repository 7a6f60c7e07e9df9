package org.safelight.server.tokens;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An http(s) origin as text, {@code scheme://host[:port]}: lower case, no default port, no user
 * information, path, query or fragment. The same reduction as the format's
 * {@code PackageJson.originOf} and the browser's {@code URL.origin}, so that an audience written by
 * the accounts role and the one a key server expects compare as plain strings.
 */
public final class Origin {
    private Origin() {
    }

    /** @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL with a host */
    public static String of(String url) {
        try {
            return of(new URI(url.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL");
        }
    }

    /** @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL with a host */
    public static String of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("not an http:// or https:// URL");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        int port = url.getPort();
        boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
