package org.safelight.client.storage;

/**
 * A service did not do what was asked. The message is for people and holds no token and no file
 * name; {@link #kind()} says what a caller can do about it.
 */
public final class StorageException extends Exception {
    /** Why it failed. */
    public enum Kind {
        /** The user's tokens are gone or refused (refresh included): connect again. */
        NOT_CONNECTED,
        /** The service could not be reached or failed (network, 5xx, rate limit): try later. */
        UNAVAILABLE,
        /** The service refused the request itself (a bad code, a full account, ...). */
        REFUSED
    }

    private final Kind kind;

    public StorageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
