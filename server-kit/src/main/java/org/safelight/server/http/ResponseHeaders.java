package org.safelight.server.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * The headers every answer of a Safelight server carries, as a rule of the server and not of each
 * route: added by Jetty to the answer of every request it has read (routes, the error mapper, 404s
 * outside any route, the servlet's own errors), and by {@link JettyErrors} to the refusals Jetty
 * writes before a request exists (a malformed request, 414, 431).
 * <ul>
 *   <li>{@code X-Content-Type-Options: nosniff}: a browser never guesses a type, so an uploaded file
 *       or an error message cannot run as a page;</li>
 *   <li>{@code X-Frame-Options: DENY}: no page can be framed (clickjacking); harmless on JSON;</li>
 *   <li>{@code Cache-Control: no-store} on the answer to any request carrying {@code Authorization}:
 *       nothing a credential opened is kept by a browser or a shared cache, whatever the route
 *       says (see {@link #enforceNoStore}).</li>
 * </ul>
 * Immutable.
 */
final class ResponseHeaders implements HttpConfiguration.Customizer {
    static final String NO_STORE = "no-store";

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        always(responseHeaders);
        if (request.getHeaders().contains(HttpHeader.AUTHORIZATION)) {
            responseHeaders.put(HttpHeader.CACHE_CONTROL, NO_STORE);
        }
        return request;
    }

    /** The headers that need no request to decide. */
    static void always(HttpFields.Mutable headers) {
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
    }

    /**
     * Run after every handler: a route that set another {@code Cache-Control} (the JWKS is public)
     * still answers a request carrying {@code Authorization} with {@code no-store}. Left alone when
     * it says so already (as {@link #customize} set it): replacing a header scans and rebuilds the
     * answer's fields, a cost every authorized answer (a key fetch) would pay for nothing.
     */
    static void enforceNoStore(io.javalin.http.Context ctx) {
        if (ctx.header("Authorization") != null && !NO_STORE.equals(ctx.res().getHeader("Cache-Control"))) {
            ctx.header("Cache-Control", NO_STORE);
        }
    }
}
