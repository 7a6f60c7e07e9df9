package org.safelight.cloud;

/**
 * What one upload and one user may take of the cloud store.
 *
 * @param maxBytes   the largest upload accepted
 * @param quotaBytes the most one user's unexpired reports may take together; 0 for no quota
 * @param perHour    uploads one user may make per hour, in bursts of as many
 */
public record UploadLimits(long maxBytes, long quotaBytes, int perHour) {
    public static final long DEFAULT_MAX_MB = 2048;
    public static final long DEFAULT_QUOTA_MB = 10240;
    public static final int DEFAULT_PER_HOUR = 120;
    public static final UploadLimits DEFAULTS = new UploadLimits(DEFAULT_MAX_MB << 20, DEFAULT_QUOTA_MB << 20,
            DEFAULT_PER_HOUR);

    public UploadLimits {
        if (maxBytes < 1 || quotaBytes < 0 || perHour < 1) {
            throw new IllegalArgumentException("upload limits: the size limit and the hourly uploads must be"
                    + " positive, and the quota not negative");
        }
        if (quotaBytes != 0 && quotaBytes < maxBytes) {
            throw new IllegalArgumentException("upload limits: a quota smaller than the largest upload would refuse"
                    + " uploads the size limit lets in");
        }
    }

    /** Only the size limit changed; the quota and the hourly uploads stay at their defaults. */
    public static UploadLimits maxBytes(long maxBytes) {
        return new UploadLimits(maxBytes, DEFAULTS.quotaBytes, DEFAULTS.perHour);
    }
}
