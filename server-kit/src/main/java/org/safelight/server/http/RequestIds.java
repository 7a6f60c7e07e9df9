package org.safelight.server.http;

import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Gives every HTTP request an id that ties its log lines together: the caller's
 * {@code X-Request-Id} when it is short and plain (a proxy in front usually sets one), else a new
 * random one. The id is answered as {@code X-Request-Id} and is in the logging MDC as
 * {@value #MDC_KEY} while the request is handled on its thread, then removed.
 */
public final class RequestIds extends Handler.Wrapper {
    public static final String HEADER = "X-Request-Id";
    /** The MDC key log lines carry the id under. */
    public static final String MDC_KEY = "request_id";
    /** The longest incoming id taken over. */
    static final int MAX_LENGTH = 64;
    /** Letters, digits and {@code . _ -}: nothing that breaks a log line or holds an e-mail address. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String id = accept(request.getHeaders().get(HEADER));
        response.getHeaders().put(HEADER, id);
        MDC.put(MDC_KEY, id);
        try {
            return super.handle(request, response, callback);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** {@code given} when it is a safe id, else a new one. */
    static String accept(String given) {
        return given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }
}
