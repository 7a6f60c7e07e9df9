package org.safelight.accounts.uploads;

import java.time.Instant;

/**
 * One time a report went somewhere, as its sender's list shows it.
 *
 * @param recipient who it went to, or null when unknown (always null for the cloud alone)
 */
public record ReportSend(SendChannel channel, String recipient, Instant sentAt) {

    /** Keeps the recipient (personal data) out of logs. */
    @Override
    public String toString() {
        return "ReportSend[" + channel.code() + ", " + sentAt + "]";
    }
}
