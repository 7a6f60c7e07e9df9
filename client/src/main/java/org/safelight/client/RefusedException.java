package org.safelight.client;

/** A server said no: its stable error code and its message, for one clear line and exit code 5. */
public final class RefusedException extends RuntimeException {
    private final int status;
    private final String code;

    public RefusedException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
