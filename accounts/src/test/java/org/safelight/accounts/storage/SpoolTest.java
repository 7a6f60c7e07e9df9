package org.safelight.accounts.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void closing_deletes_the_upload_and_the_purge_clears_what_a_crash_left_behind() throws Exception {
        Path left;
        try (Spool spool = Spool.in(dir)) {
            spool.fill(new ByteArrayInputStream(new byte[1000]), 10_000);
            left = spool.file();
            assertThat(left).hasSize(1000);
        }
        assertThat(left).doesNotExist();

        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        Path crashed = Files.createFile(dir.resolve("storage-1.part"));
        Files.setLastModifiedTime(crashed, FileTime.from(now.minus(Duration.ofHours(2))));
        Path uploading = Files.createFile(dir.resolve("storage-2.part")); // another instance, still filling it
        Files.setLastModifiedTime(uploading, FileTime.from(now.minus(Duration.ofMinutes(5))));
        Path unrelated = Files.createFile(dir.resolve("notes.txt"));
        Files.setLastModifiedTime(unrelated, FileTime.from(now.minus(Duration.ofDays(2))));

        assertThat(Spool.clearLeftovers(dir, now)).isEqualTo(1);
        assertThat(crashed).doesNotExist();
        assertThat(uploading).exists();
        assertThat(unrelated).exists();
        assertThat(Spool.clearLeftovers(dir.resolve("never-made"), now)).isZero();
    }
}
