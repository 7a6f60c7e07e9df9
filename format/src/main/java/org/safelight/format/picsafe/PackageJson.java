package org.safelight.format.picsafe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MetadataJson;

/**
 * {@code package.json} of a .picsafe file: where the key is. Dynamic-key mode names the key server
 * ({@code keyserver_url}); static-key mode carries the report key wrapped for an institution's RSA
 * key ({@code static_key}). One file may carry both; unknown fields are ignored. We also write
 * {@code report_id} (our addition), so the key can be asked for even when the file was renamed.
 */
public record PackageJson(String keyserverUrl, StaticKeyInfo staticKey, String reportId) {
    private static final ObjectMapper MAPPER = MetadataJson.boundedMapper();

    /** {@code {"alg": "RSA-OAEP-256", "kid": ..., "wrapped_key": ...}} */
    public record StaticKeyInfo(String alg, String kid, String wrappedKey) {
    }

    public boolean hasKeyServer() {
        return keyserverUrl != null && !keyserverUrl.isBlank();
    }

    /**
     * The key server's origin ({@code scheme://host[:port]}, lower-case, default port dropped): the
     * only part of {@code keyserver_url} a client may use. A path, query, fragment or user-info in
     * the file must never steer where a token or key request goes (DESIGN §3), so callers append
     * their own paths to this and nothing else.
     *
     * @throws MalformedReportException when there is no key server, or its URL is not an absolute
     *     http(s) URL with a host
     */
    public URI keyServerOrigin() throws MalformedReportException {
        if (!hasKeyServer()) {
            throw new MalformedReportException("package.json names no key server");
        }
        return originOf(keyserverUrl);
    }

    /** {@link #keyServerOrigin()} for any URL text; also for URLs a user typed. */
    public static URI originOf(String url) throws MalformedReportException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new MalformedReportException("the key server URL is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new MalformedReportException("the key server URL is not an http(s) URL");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new MalformedReportException("the key server URL has no host");
        }
        int port = uri.getPort();
        if (port == defaultPort(scheme)) {
            port = -1;
        }
        try {
            return new URI(scheme, null, host.toLowerCase(Locale.ROOT), port, null, null, null);
        } catch (URISyntaxException e) {
            throw new MalformedReportException("the key server URL is not a valid URL");
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    public boolean hasStaticKey() {
        return staticKey != null;
    }

    public static PackageJson read(InputStream in) throws MalformedReportException {
        JsonNode root = MetadataJson.readTree(in, "package.json");
        String url = root.path("keyserver_url").isTextual() ? root.path("keyserver_url").asText() : null;
        StaticKeyInfo key = null;
        JsonNode sk = root.path("static_key");
        if (sk.isObject()) {
            key = new StaticKeyInfo(sk.path("alg").asText(""), sk.path("kid").asText(""),
                    sk.path("wrapped_key").asText(""));
            if (key.wrappedKey().isEmpty()) {
                throw new MalformedReportException("package.json static_key has no wrapped_key");
            }
        } else if (!sk.isMissingNode() && !sk.isNull()) {
            throw new MalformedReportException("package.json static_key is not an object");
        }
        String reportId = root.path("report_id").isTextual() ? root.path("report_id").asText() : null;
        if (url == null && key == null) {
            throw new MalformedReportException("package.json names neither a key server nor a static key");
        }
        return new PackageJson(url, key, reportId);
    }

    public byte[] toBytes() {
        ObjectNode root = MAPPER.createObjectNode();
        if (keyserverUrl != null) {
            root.put("keyserver_url", keyserverUrl);
        }
        if (reportId != null) {
            root.put("report_id", reportId);
        }
        if (staticKey != null) {
            root.putObject("static_key").put("alg", staticKey.alg()).put("kid", staticKey.kid())
                    .put("wrapped_key", staticKey.wrappedKey());
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
