package org.safelight.accounts.uploads;

import java.time.Instant;

/**
 * One report a user uploaded to the cloud, as their list and their enterprise's listing show it.
 *
 * @param enterpriseId the sender's enterprise at upload time, or empty
 * @param name         the link's last segment, {@code {random}-{ReportID}}
 * @param keyServerUrl the origin of the key server the report's package.json names, or empty
 */
public record UploadEntry(String reportId, String region, String name, String link, String downloadUrl,
                          String userId, String senderEmail, String senderName, String enterpriseId, long size,
                          Instant uploadedAt, Instant expiresAt, String keyServerUrl) {

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Keeps the link (a capability) out of logs. */
    @Override
    public String toString() {
        return "UploadEntry[" + region + ", report " + reportId + "]";
    }
}
