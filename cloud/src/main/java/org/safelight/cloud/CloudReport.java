package org.safelight.cloud;

import java.time.Instant;
import org.safelight.format.link.ReportLink;

/**
 * A report stored in the cloud, as its row says.
 *
 * @param enterpriseId the uploader's enterprise at upload time, or empty
 * @param deletedAt    when the sweeper removed its bytes, or null
 * @param keyServerUrl the origin of the key server its package.json names, or empty
 */
public record CloudReport(ReportLink link, String uploaderId, String enterpriseId, long size, Instant uploadedAt,
                          Instant expiresAt, Instant deletedAt, String keyServerUrl) {

    /** Expired by the clock, whether or not the sweeper has been by. */
    public boolean expiredAt(Instant now) {
        return deletedAt != null || !now.isBefore(expiresAt);
    }
}
