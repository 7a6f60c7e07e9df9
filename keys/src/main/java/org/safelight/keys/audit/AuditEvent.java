package org.safelight.keys.audit;

import java.time.Instant;

/**
 * An event as the log holds it: its place in the chain ({@code seq}, from 1), the time it was
 * committed (millisecond precision), the entry's fields as text, and {@code hash}, the chain's
 * SHA-256 up to and including this event in lowercase hex (see {@link ChainHash}). Immutable.
 */
public record AuditEvent(long seq, Instant time, String actorUserId, String actorEmail, String reportId,
                         String action, String outcome, String remoteAddress, String hash) {

    public boolean granted() {
        return Outcome.GRANTED.code().equals(outcome);
    }
}
