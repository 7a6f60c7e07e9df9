package org.safelight.server.http;

import com.fasterxml.jackson.core.JacksonException;
import io.javalin.http.HttpResponseException;

/**
 * The one table from what went wrong to what is answered: a {@link Refusal} (domain code) or an
 * {@link ApiException} (HTTP handling code) by its {@link ErrorCode}; Javalin's own refusals by
 * their status ({@link ErrorCode#forStatus}); a request body that is not the JSON expected as
 * {@code bad_request}; anything else as {@code internal_error} without details (the caller logs
 * its type). How the answer is rendered per path (the common {@code {"error", "message"}} or the
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
        return unexpected();
    }

    /** The answer to a failure nobody foresaw: no details, they may hold data. */
    public static ErrorAnswer unexpected() {
        return new ErrorAnswer(500, ErrorCode.INTERNAL_ERROR, "the server failed; the failure is logged", null);
    }
}
