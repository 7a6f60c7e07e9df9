package org.safelight.keys;

import java.time.Instant;

/**
 * What anyone may know about a report this key server holds a key for: whether its sender revoked
 * it, and when ({@code null} while it is open). Carries no key and no person. Immutable.
 */
public record ReportStatus(ReportId reportId, Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
