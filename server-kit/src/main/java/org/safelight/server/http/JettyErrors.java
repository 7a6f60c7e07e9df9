package org.safelight.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.tls.TlsConfig;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty writes by itself — a request it cannot parse (400), a URI or headers too large
 * (414, 431), failures outside any route — in the same shape as every other refusal: JSON {@code
 * {"error": "headers_too_large", "message": ...}} (the catalogue's code for the status,
 * {@link ErrorCode#forStatus}) with the {@link ResponseHeaders} (and HSTS over TLS), no stack
 * trace, no server name or version. Immutable.
 */
public final class JettyErrors extends ErrorHandler {
    /** One year, as the HSTS preload list asks; sent only over TLS. */
    public static final String HSTS = "max-age=" + TlsConfig.HSTS_SECONDS;

    private final PathRules rules;

    /** With the common shape on every path. */
    public JettyErrors() {
        this(PathRules.of(java.util.List.of()));
    }

    /** With the refusal shape of each path's rule. */
    public JettyErrors(PathRules rules) {
        this.rules = rules;
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        headers(response.getHeaders(), request.isSecure() || request.getConnectionMetaData().isSecure());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        if (HttpStatus.hasNoBody(code)) {
            callback.succeeded();
            return;
        }
        response.write(true, ByteBuffer.wrap(body(code, rules.ruleFor(path(request)).errors())), callback);
    }

    private static void headers(HttpFields.Mutable fields, boolean tls) {
        ResponseHeaders.always(fields);
        fields.remove(HttpHeader.SERVER);
        if (tls) {
            fields.put(HttpHeader.STRICT_TRANSPORT_SECURITY, HSTS);
        }
    }

    private static String path(Request request) {
        try {
            String path = request.getHttpURI().getPath();
            return path == null ? "/" : path;
        } catch (RuntimeException e) {
            return "/"; // a request Jetty could not parse: the common shape
        }
    }

    /** Never the reason Jetty gives: it may echo parts of the request. */
    private static byte[] body(int status, ErrorRenderer errors) {
        String reason = HttpStatus.getMessage(status);
        Map<String, Object> body = errors.body(status, ErrorCode.forStatus(status).code(),
                reason == null ? "the request was refused" : reason.toLowerCase(java.util.Locale.ROOT));
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return ("{\"error\":\"" + ErrorCode.forStatus(status).code() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
