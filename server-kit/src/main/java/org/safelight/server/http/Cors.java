package org.safelight.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-origin access for the web origins a role trusts (My Safelight on another origin calling a
 * private key server, DESIGN §5, or the endpoint's institution API): those origins get
 * {@code Access-Control-Allow-Origin} on answers and on preflights; every other origin gets no CORS
 * headers, so browsers keep their pages out. Requests authenticate with the {@code Authorization}
 * header, never cookies, so credentials are not allowed. Immutable.
 */
public final class Cors {
    private final Set<String> trusted;

    /** @param origins e.g. {@code https://my.safelight.example}; {@code *} and {@code null} are refused */
    public Cors(List<String> origins) {
        this.trusted = origins.stream().map(Cors::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** Before every answer on the role's paths. */
    public void decorate(Context ctx) {
        ctx.header("Vary", "Origin");
        String origin = ctx.header("Origin");
        if (origin != null && trusted.contains(origin.toLowerCase(Locale.ROOT))) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Expose-Headers", "Retry-After");
        }
    }

    /** Answers an {@code OPTIONS} preflight: 204 for a trusted origin, else 403 without CORS headers. */
    public void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !trusted.contains(origin.toLowerCase(Locale.ROOT))) {
            throw new ApiException(403, "origin_not_allowed", "this server does not serve pages from that origin");
        }
        ctx.header("Access-Control-Allow-Methods", "GET, POST");
        ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    private static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        while (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.equals("*") || o.equals("null") || !(o.startsWith("https://") || o.startsWith("http://"))) {
            throw new IllegalArgumentException("a trusted web origin is scheme://host[:port], not '" + origin + "'");
        }
        return o;
    }
}
