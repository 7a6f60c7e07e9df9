package org.safelight.keys.audit;

/**
 * An event could not be made durable (the database failed, the writer is closed or overloaded).
 * Whoever appended it must not act as if it were logged: a key server answers without the key.
 */
public final class AuditUnavailableException extends RuntimeException {
    public AuditUnavailableException(String message) {
        super(message);
    }
}
