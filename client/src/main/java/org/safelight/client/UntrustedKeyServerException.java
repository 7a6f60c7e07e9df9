package org.safelight.client;

/**
 * A key server the user's token may not go to: not trusted, or plain http on another host. Thrown
 * before anything is sent to it; the message names the server and says how to trust it (exit 5).
 */
public final class UntrustedKeyServerException extends RuntimeException {
    private final String origin;

    public UntrustedKeyServerException(String origin, String message) {
        super(message, null, false, false);
        this.origin = origin;
    }

    /** The key server's origin. */
    public String origin() {
        return origin;
    }
}
