package org.safelight.server.http;

import com.fasterxml.jackson.core.JacksonException;
import io.javalin.http.HttpResponseException;
import org.safelight.server.crypto.SealingRefusedException;

/**
 * The one table from what went wrong to what is answered: a {@link Refusal} (domain code) or an
 * {@link ApiException} (HTTP handling code) by its {@link ErrorCode}; Javalin's own refusals by
 * their status ({@link ErrorCode#forStatus}); a request body that is not the JSON expected as
 * {@code bad_request}; a seal refused during a master key rotation as {@code server_busy} (503,
 * wrapped or not); anything else as {@code internal_error} without details (the caller logs its
 * type). How the answer is rendered per path (the common {@code {"error", "message"}} or the
 * intake's {@code {"success": false, ...}}) is the renderer's business; the code and status are
 * decided here ({@code org.safelight.server.role.ErrorRenderer} draws the body). Immutable.
 *
 * @param retryAfterSeconds answered as {@code Retry-After}, or null
 */
public record ErrorAnswer(int status, ErrorCode code, String message, Integer retryAfterSeconds) {

    /** What {@code failure} is answered with. */
    public static ErrorAnswer of(Throwable failure) {
        if (failure instanceof Refusal r) {
            return new ErrorAnswer(r.errorCode().status(), r.errorCode(), r.getMessage(), r.retryAfterSeconds());
        }
        if (failure instanceof HttpResponseException e) {
            return new ErrorAnswer(e.getStatus(), ErrorCode.forStatus(e.getStatus()), e.getMessage(), null);
        }
        if (failure instanceof JacksonException) {
            return new ErrorAnswer(400, ErrorCode.BAD_REQUEST, "the request body is not the JSON expected", null);
        }
        // Thrown wherever something is sealed, so it may come wrapped (by a callback, a library). A bounded walk:
        // causes can form a cycle (initCause).
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof SealingRefusedException) {
                return new ErrorAnswer(503, ErrorCode.SERVER_BUSY, "this server is changing its master key and stores"
                        + " nothing new until it restarts; try again", SEALING_RETRY_SECONDS);
            }
        }
        return unexpected();
    }

    /** Retry-After while a server's master key is being rotated: a few of its rotation polls ({@code RotationWatch#EVERY}). */
    static final int SEALING_RETRY_SECONDS = 30;
    /** How deep {@link #of} looks into a failure's causes. */
    private static final int MAX_CAUSES = 16;

    /** The answer to a failure nobody foresaw: no details, they may hold data. */
    public static ErrorAnswer unexpected() {
        return new ErrorAnswer(500, ErrorCode.INTERNAL_ERROR, "the server failed; the failure is logged", null);
    }
}
