package org.safelight.cloud;

import java.time.Instant;

/**
 * A report just stored in the cloud, as the sender's report list records it.
 *
 * @param enterpriseId the sender's enterprise when they uploaded (token {@code ent}), or empty
 */
public record Upload(String reportId, Region region, String name, String link, String downloadUrl, String userId,
                     String email, String senderName, String enterpriseId, long size, Instant uploadedAt,
                     Instant expiresAt) {

    /** Keeps the link (a capability) out of logs. */
    @Override
    public String toString() {
        return "Upload[" + region + ", report " + reportId + ", " + size + " bytes]";
    }
}
