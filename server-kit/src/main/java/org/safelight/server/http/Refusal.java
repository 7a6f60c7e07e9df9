package org.safelight.server.http;

/**
 * A domain refusal: something the caller asked for that the domain will not do, named by one
 * {@link ErrorCode} and explained by a message fit for the caller (never patient data, keys,
 * tokens or addresses). Domain code throws it without knowing about HTTP; {@link ErrorAnswer}
 * is the one table that turns it into an answer. Unchecked, without a stack trace (a refusal is
 * an outcome, not a failure).
 */
public class Refusal extends RuntimeException {
    private final ErrorCode code;
    private final Integer retryAfterSeconds;

    public Refusal(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** @param retryAfterSeconds when the caller may try again (answered as {@code Retry-After}), or null */
    public Refusal(ErrorCode code, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.code = java.util.Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorCode errorCode() {
        return code;
    }

    /** The catalogue's string for {@link #errorCode()}, as answered in {@code error}. */
    public String code() {
        return code.code();
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
