package org.safelight.keys;

/** What asking {@link ReportKeys#create} for a report's key came to. */
public sealed interface Creation {

    /** A new key was made for the report. */
    record Created(ReportKey key) implements Creation {
    }

    /** The same sender asked again: the key made the first time. */
    record Existing(ReportKey key) implements Creation {
    }

    /** The sender revoked the report; no key is handed out for it any more. */
    record Revoked(ReportKey key) implements Creation {
    }

    /** Another user already holds this report ID. */
    record OwnedByAnother() implements Creation {
    }
}
