package org.safelight.cloud;

import java.time.Instant;
import org.safelight.format.link.Region;

/**
 * A report just stored in the cloud, as the sender's report list records it.
 *
 * @param enterpriseId the sender's enterprise when they uploaded, as the token said: the accounts role
 *                     records the one their account is in now ({@link UploadRecorder#record})
 * @param keyServerUrl the origin of the key server the report's package.json names, or empty
 */
public record Upload(String reportId, Region region, String name, String link, String downloadUrl, String userId,
                     String email, String senderName, String enterpriseId, long size, Instant uploadedAt,
                     Instant expiresAt, String keyServerUrl) {

    /** The same upload, in the enterprise the accounts role recorded it in. */
    public Upload inEnterprise(String recordedEnterpriseId) {
        return new Upload(reportId, region, name, link, downloadUrl, userId, email, senderName, recordedEnterpriseId,
                size, uploadedAt, expiresAt, keyServerUrl);
    }

    /** Keeps the link (a capability) out of logs. */
    @Override
    public String toString() {
        return "Upload[" + region + ", report " + reportId + ", " + size + " bytes]";
    }
}
