package org.safelight.keys;

/**
 * The report keys' table could not be read or written (disk full, database down). Nothing was
 * handed out or changed by the failed step; the key server answers 503 {@code storage_unavailable}.
 */
public final class KeyStoreUnavailableException extends RuntimeException {
    KeyStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
