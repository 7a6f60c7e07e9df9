package org.safelight.format.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.media.MalformedMediaException;
import org.safelight.format.picsafe.Protection;

/** Sealing with the per-item work on several threads ({@link MediaWork}) gives a serial run's results. */
class ParallelSealTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneId.of("UTC"));
    private static final int PHOTOS = 20;

    @TempDir
    Path dir;

    @Test
    void the_package_is_the_same_bytes_on_one_thread_and_on_four() throws IOException {
        Draft draft = Draft.load(SealFixtures.manyPhotos(dir.resolve("draft"), PHOTOS), CLOCK);

        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Sealer.writePackage(draft, serial, 1);
        ByteArrayOutputStream parallel = new ByteArrayOutputStream();
        Sealer.writePackage(draft, parallel, 4);

        // the same entries in the same order with the same bytes; only the entries' times (the clock's) may differ
        assertThat(SealFixtures.entries(parallel.toByteArray())).isEqualTo(SealFixtures.entries(serial.toByteArray()))
                .hasSize(3 + 2 * (PHOTOS + 2)) // metadata, report, consent; each item's thumbnail and file
                .anyMatch(entry -> entry.startsWith("p20.jpg "));
    }

    @Test
    void a_malformed_photo_among_twenty_is_named_and_leaves_no_output() throws IOException {
        Path folder = SealFixtures.manyPhotos(dir.resolve("draft"), PHOTOS);
        Files.write(folder.resolve("p13.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDB, 0, 9});
        Draft draft = Draft.load(folder, CLOCK);
        Path out = dir.resolve("out.picsafe");

        assertThatThrownBy(() -> Sealer.seal(draft, new Protection.DynamicKey("k3y", "https://keys.example.org"), out, 4))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageStartingWith("p13.jpg: ");
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("draft");
        }
    }

    @Test
    void of_two_malformed_photos_the_first_in_the_draft_is_named_whichever_fails_first() throws IOException {
        Path folder = SealFixtures.manyPhotos(dir.resolve("draft"), PHOTOS);
        // p03 is truncated only in its image data, found late (when it is stripped); p17 fails at once
        byte[] photo = Files.readAllBytes(folder.resolve("p03.jpg"));
        Files.write(folder.resolve("p03.jpg"), java.util.Arrays.copyOf(photo, photo.length - 40));
        Files.writeString(folder.resolve("p17.jpg"), "not a photo");
        Draft draft = Draft.load(folder, CLOCK);

        assertThatThrownBy(() -> Sealer.seal(draft, new Protection.Plain(), dir.resolve("out.zip"), 4))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageStartingWith("p03.jpg: ");
        assertThat(dir.resolve("out.zip")).doesNotExist();
    }
}
