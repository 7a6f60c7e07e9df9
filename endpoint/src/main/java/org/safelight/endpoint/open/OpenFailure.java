package org.safelight.endpoint.open;

/**
 * A report that did not open. {@link #retryable()} when the cause may pass (a key server down or
 * busy, a disk error): the report waits and is tried again; otherwise (a wrong or missing key,
 * failed integrity, a malformed report, a revoked one) it is parked for a person. The message is
 * shown to the institution's admin: no key, token or report content.
 */
public final class OpenFailure extends Exception {
    private final boolean retryable;

    public OpenFailure(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public OpenFailure(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
