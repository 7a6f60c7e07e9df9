package org.safelight.keys.audit;

import java.util.Locale;

/** What an audit event records; stored as its {@link #code()}. */
public enum AuditAction {
    KEY_CREATED,
    KEY_FETCHED,
    KEY_DENIED,
    REPORT_REVOKED,
    ACCESSES_LISTED;

    /** The stored and exported name, e.g. {@code key_fetched}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
