package org.safelight.cloud;

/**
 * What a user may upload now, so a client can say so before sending a large file.
 *
 * @param maxUploadBytes the largest upload accepted
 * @param quotaBytes     what the user's unexpired reports may take together; 0 for no quota
 * @param takenBytes     what they take now (with uploads being stored)
 * @param uploadsLeft    uploads the user may start now, before the hourly limit refuses them
 * @param uploadsPerHour the hourly limit, which is also the largest burst
 */
public record Allowance(long maxUploadBytes, long quotaBytes, long takenBytes, int uploadsLeft, int uploadsPerHour) {
}
