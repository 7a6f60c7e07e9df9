package org.safelight.server.http;

/**
 * A refusal thrown by HTTP handling code, answered as {@code {"error": code, "message": message}}
 * with the code's status ({@link ErrorCode#status()}). Messages never carry patient data, keys or
 * tokens. Domain code throws {@link Refusal} instead.
 */
public class ApiException extends Refusal {

    public ApiException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ApiException(ErrorCode code, String message, Integer retryAfterSeconds) {
        super(code, message, retryAfterSeconds);
    }

    public int status() {
        return errorCode().status();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorCode.NOT_FOUND, message);
    }
}
