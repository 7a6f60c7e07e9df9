package org.safelight.keys;

import java.time.Instant;

/**
 * A report's key as its sender created it: the RNCryptor password of the report (base64url of 32
 * random bytes, no padding), who owns it, and whether it has been revoked ({@code revokedAt} is
 * null while the report can be opened). {@link #toString()} leaves the key out, so logging a
 * {@code ReportKey} cannot leak it. Immutable.
 */
public record ReportKey(ReportId reportId, String ownerUserId, String ownerEmail, String key, Instant createdAt,
                        Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean ownedBy(String userId) {
        return ownerUserId.equals(userId);
    }

    @Override
    public String toString() {
        return "ReportKey[" + reportId + ", owner " + ownerUserId + ", created " + createdAt
                + (revoked() ? ", revoked " + revokedAt : "") + "]";
    }
}
