package org.safelight.client.filing;

import java.io.IOException;

/**
 * Opening a received report did not work. {@link #skip()} says, by {@link FailureRule}, whether the
 * report itself is at fault (null: it is the key server, the network or the disk, and trying again
 * later can work). The cause is the original failure; the message is {@link #reason()}, one line
 * without patient data or secrets.
 */
public final class OpeningFailedException extends IOException {
    private final FailureRule.Step step;
    private final FailureRule.Skip skip;

    OpeningFailedException(FailureRule.Step step, FailureRule.Skip skip, Exception cause) {
        super(skip == null ? FailureRule.retryReason(step, cause) : FailureRule.reason(skip, cause), cause);
        this.step = step;
        this.skip = skip;
    }

    /** Where it failed: {@link FailureRule.Step#KEY} (asking the key server) or {@link FailureRule.Step#OPEN}. */
    public FailureRule.Step step() {
        return step;
    }

    /** Why the report is refused for good, or null when trying again later can work. */
    public FailureRule.Skip skip() {
        return skip;
    }

    /** Whether trying again later can work (a key server that is down, the disk, the network). */
    public boolean retryable() {
        return skip == null;
    }

    /** The one line to show or record. */
    public String reason() {
        return getMessage();
    }

    /** The original failure, for a caller that rethrows it as it was. */
    public Exception failure() {
        return (Exception) getCause();
    }
}
