package org.safelight.web;

import io.javalin.http.Context;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The headers every answer of the web role carries. The Content-Security-Policy allows scripts and
 * styles from this origin only (no inline code, no eval), {@code blob:} only where decrypted media
 * and the PDF are shown, and network requests to this origin and to the key servers configured
 * here; the pages cannot be framed. No referrer is sent, since a share link is a capability.
 * Immutable.
 */
public final class SecurityHeaders {
    private final String policy;
    private final List<String> keyServerOrigins;

    /** @param keyServerOrigins origins ({@code https://keys.example.org}) besides this one that pages may ask for keys */
    public SecurityHeaders(List<String> keyServerOrigins) {
        this(keyServerOrigins, List.of());
    }

    /** @param otherOrigins further origins pages may call (an endpoint's institution view) */
    public SecurityHeaders(List<String> keyServerOrigins, List<String> otherOrigins) {
        Set<String> origins = new LinkedHashSet<>();
        for (String o : keyServerOrigins) {
            origins.add(origin(o));
        }
        this.keyServerOrigins = List.copyOf(origins);
        Set<String> connectTo = new LinkedHashSet<>(origins);
        for (String o : otherOrigins) {
            connectTo.add(origin(o));
        }
        StringBuilder connect = new StringBuilder("'self'");
        for (String o : connectTo) {
            connect.append(' ').append(o);
        }
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:;"
                + " media-src blob:; object-src blob:; frame-src blob:; worker-src 'self';"
                + " connect-src " + connect + "; font-src 'self'; base-uri 'none'; form-action 'self';"
                + " frame-ancestors 'none'";
    }

    public String policy() {
        return policy;
    }

    /** The configured key server origins, normalized (lower case, no path, no trailing slash). */
    public List<String> keyServerOrigins() {
        return keyServerOrigins;
    }

    public void apply(Context ctx) {
        ctx.header("Content-Security-Policy", policy);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    }

    /** {@code scheme://host[:port]} of a URL (no default port); refuses anything that is not plain http(s). */
    static String origin(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a key server or endpoint is an http:// or https:// URL, not '" + url + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("a key server is an http:// or https:// URL, not '" + url + "'");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!host.matches("[a-z0-9.\\-\\[\\]:]+")) {
            throw new IllegalArgumentException("a key server's host name is not valid: '" + url + "'");
        }
        // As the browser's URL.origin, which keys.js compares with: no default port.
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
