package org.safelight.format.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;

/** Draft folders built from the shared fixture media. */
public final class Drafts {
    private Drafts() {
    }

    /** Two photos (one rotated), a video, an audio clip and a signed consent; media listed by the folder. */
    public static Path full(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(SharedFiles.media("photo-landscape.jpg"), dir.resolve("p1.jpg"));
        Files.copy(SharedFiles.media("photo-rotated.jpg"), dir.resolve("p2.jpg"));
        Files.copy(SharedFiles.media("clip.m4v"), dir.resolve("v1.m4v"));
        Files.copy(SharedFiles.media("voice.m4a"), dir.resolve("a1.m4a"));
        Files.copy(SharedFiles.media("signature.jpg"), dir.resolve("consent.jpg"));
        ReportMetadata m = SampleReports.metadata();
        m = m.withDetails(m.details().withReportId("").withDatetime(""));
        Files.write(dir.resolve("metadata.json"), MetadataJson.write(m));
        return dir;
    }
}
