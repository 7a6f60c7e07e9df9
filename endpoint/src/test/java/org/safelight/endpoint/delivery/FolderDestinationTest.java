package org.safelight.endpoint.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.format.testing.SampleReports;
import org.safelight.server.http.Json;
import org.safelight.server.testing.MutableClock;

class FolderDestinationTest {
    @TempDir
    Path dir;

    private OpenedReport report(String id) throws IOException {
        Path contents = Files.createDirectories(dir.resolve("work-" + id));
        Files.writeString(contents.resolve("metadata.json"), "{}");
        Files.writeString(contents.resolve("report.pdf"), "%PDF");
        return new OpenedReport(id, contents, SampleReports.metadata(), new Arrival(Arrival.Source.MAILBOX,
                "noor.haddad@example.org", false, "<m1@example.org>", Instant.parse("2026-11-22T10:00:00Z")),
                "static", "ab".repeat(32), Map.of("metadata.json", "11", "report.pdf", "22"),
                Instant.parse("2026-11-22T10:01:00Z"));
    }

    private long entries(Path folder) throws IOException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.count();
        }
    }

    @Test
    void a_report_is_filed_as_its_own_folder_with_every_file_and_report_json() throws Exception {
        FolderDestination folder = new FolderDestination(dir.resolve("filed"), new MutableClock());

        folder.deliver(report("r-1"));

        Path filed = dir.resolve("filed/r-1");
        assertThat(filed.resolve("report.pdf")).hasContent("%PDF");
        assertThat(filed.resolve("metadata.json")).hasContent("{}");
        JsonNode json = Json.MAPPER.readTree(filed.resolve("report.json").toFile());
        assertThat(json.path("report_id").asText()).isEqualTo("r-1");
        assertThat(json.path("sender_email").asText()).isEqualTo("noor.haddad@example.org");
        assertThat(json.path("sender_verified").asBoolean(true)).isFalse();
        assertThat(json.path("source").asText()).isEqualTo("mailbox");
        assertThat(json.path("received_at").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(json.path("kind").asText()).isEqualTo("static");
        assertThat(json.path("files").path("report.pdf").asText()).isEqualTo("22");
        assertThat(entries(dir.resolve("filed"))).isEqualTo(1);
    }

    @Test
    void delivering_a_report_again_leaves_the_one_copy_there_is() throws Exception {
        FolderDestination folder = new FolderDestination(dir.resolve("filed"), new MutableClock());
        folder.deliver(report("r-1"));
        Files.writeString(dir.resolve("filed/r-1/report.pdf"), "as first filed");

        folder.deliver(report("r-1"));

        assertThat(dir.resolve("filed/r-1/report.pdf")).hasContent("as first filed");
        assertThat(entries(dir.resolve("filed"))).isEqualTo(1);
    }

    @Test
    void a_staging_folder_left_by_a_crash_is_removed_at_the_next_start() throws Exception {
        Path stale = Files.createDirectories(dir.resolve("filed/" + FolderDestination.STAGING + "r-9-x"));
        Files.writeString(stale.resolve("report.pdf"), "a decrypted report");

        new FolderDestination(dir.resolve("filed"), new MutableClock());

        assertThat(stale).doesNotExist();
    }

    @Test
    void a_folder_that_cannot_be_written_is_a_failure_worth_retrying() throws Exception {
        FolderDestination folder = new FolderDestination(dir.resolve("filed"), new MutableClock());
        Files.delete(dir.resolve("filed"));
        Files.writeString(dir.resolve("filed"), "a file where the folder was");

        try {
            folder.deliver(report("r-1"));
            throw new AssertionError("delivered into a file");
        } catch (DeliveryException e) {
            assertThat(e.permanent()).isFalse();
            assertThat(e.getMessage()).doesNotContain("noor");
        }
    }
}
