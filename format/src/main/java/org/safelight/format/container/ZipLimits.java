package org.safelight.format.container;

/**
 * Bounds for reading a ZIP from outside. Sizes are counted on the bytes actually inflated, never
 * taken from the archive's own headers.
 *
 * @param maxEntries     entries in one archive
 * @param maxEntryBytes  inflated size of one entry
 * @param maxTotalBytes  inflated size of all entries together
 * @param maxRatio       inflated bytes per compressed byte, checked once past {@link #RATIO_GRACE_BYTES}
 */
public record ZipLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxRatio) {
    static final long RATIO_GRACE_BYTES = 1L << 20;
    private static final long GIB = 1L << 30;

    /** A report: a few hundred media items, a long video, and no zip bomb. */
    public static final ZipLimits REPORT = new ZipLimits(1_000, 8 * GIB, 16 * GIB, 100);

    public ZipLimits {
        if (maxEntries < 1 || maxEntryBytes < 1 || maxTotalBytes < 1 || maxRatio < 1) {
            throw new IllegalArgumentException("ZIP limits must be positive");
        }
    }

    public ZipLimits withMaxTotalBytes(long bytes) {
        return new ZipLimits(maxEntries, Math.min(maxEntryBytes, bytes), bytes, maxRatio);
    }
}
