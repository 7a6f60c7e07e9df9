package org.safelight.server.role;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of a refusal on a role's paths. Every refusal there goes through it: the role's own
 * {@code ApiException}s, unknown routes (404), bodies over the path's limit (413), unexpected
 * failures (500) and the answers Jetty writes by itself (400, 431, ...). Implementations must not
 * put request content into the body.
 */
@FunctionalInterface
public interface ErrorRenderer {
    /** The common shape: {@code {"error": CODE, "message": TEXT}}. */
    ErrorRenderer COMMON = (status, code, message) -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    };

    /**
     * The shape the seed fixes for the endpoint's intake ({@code POST /api/report}):
     * {@code {"success": false, "error": CODE, "message": TEXT}}.
     */
    ErrorRenderer SUCCESS_FALSE = (status, code, message) -> {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", code);
        body.put("message", message);
        return body;
    };

    /**
     * @param status  the HTTP status about to be sent
     * @param code    the stable machine-readable code
     * @param message one human sentence, free of patient data, keys and tokens
     * @return the fields of the JSON object to answer, in order
     */
    Map<String, Object> body(int status, String code, String message);
}
