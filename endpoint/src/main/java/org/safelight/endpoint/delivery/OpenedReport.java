package org.safelight.endpoint.delivery;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.format.report.ReportMetadata;

/**
 * A received report, verified and decrypted, as a destination gets it. {@code contents} is a
 * private folder that exists only while delivering: every file of the report ({@code
 * metadata.json}, {@code report.pdf}, the media, the consent) and nothing else. Destinations read
 * it and must not change it.
 *
 * @param reportId   the report's ID (equal to the metadata's)
 * @param contents   the folder of the decrypted files
 * @param metadata   the parsed {@code metadata.json}
 * @param arrival    who sent it, how and when
 * @param kind       {@code plain}, {@code dynamic} or {@code static}
 * @param sha256     hex SHA-256 of the file as received
 * @param fileHashes hex SHA-256 of each file in {@code contents}, by its name
 */
public record OpenedReport(String reportId, Path contents, ReportMetadata metadata, Arrival arrival,
                           String kind, String sha256, Map<String, String> fileHashes, Instant openedAt) {
}
