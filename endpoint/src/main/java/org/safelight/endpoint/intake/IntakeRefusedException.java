package org.safelight.endpoint.intake;

import org.safelight.server.http.ErrorCode;

/**
 * A report file the endpoint will not take, with a code from the error catalogue (for example
 * {@link ErrorCode#TOO_LARGE}, {@link ErrorCode#UNSAFE_ZIP}, {@link ErrorCode#NOT_A_REPORT},
 * {@link ErrorCode#REPORT_ID_CONFLICT}, {@link ErrorCode#SENDER_NOT_ALLOWED}) and a message fit for
 * the sender. Nothing of it was stored. The intake answers it with the code's status.
 */
public class IntakeRefusedException extends Exception {
    private final ErrorCode code;

    public IntakeRefusedException(ErrorCode code, String message) {
        super(message);
        this.code = java.util.Objects.requireNonNull(code, "code");
    }

    /**
     * @param code a code of the catalogue ({@link ErrorCode#code()})
     * @throws IllegalArgumentException when the catalogue has no such code
     */
    public IntakeRefusedException(String code, String message) {
        this(ErrorCode.of(code).orElseThrow(() -> new IllegalArgumentException("not a catalogued error code: " + code)),
                message);
    }

    public ErrorCode errorCode() {
        return code;
    }

    /** The catalogue's string, as answered in {@code error}. */
    public String code() {
        return code.code();
    }
}
