package org.safelight.format.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.media.MalformedMediaException;
import org.safelight.format.testing.Drafts;
import org.safelight.format.testing.SharedFiles;

/** Large photos are never held whole several at once, and a failure stops the other work. */
class BigPhotosSealTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneId.of("UTC"));
    private static final int PHOTOS = 12;

    @TempDir
    Path dir;

    @Test
    void the_bytes_stripped_ahead_of_the_writer_stay_within_their_limit() throws IOException {
        Draft draft = Draft.load(SealFixtures.manyPhotos(dir.resolve("draft"), PHOTOS), CLOCK);
        long photo = Files.size(SharedFiles.media("photo-landscape.jpg"));
        long limit = photo * 5 / 2;

        ByteArrayOutputStream bounded = new ByteArrayOutputStream();
        long most;
        try (MediaWork work = new MediaWork(draft, 4, MediaWork.IN_MEMORY_LIMIT, limit)) {
            Sealer.writePackage(draft, bounded, work);
            most = work.mostBytesAhead();
        }
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Sealer.writePackage(draft, serial, 1);

        assertThat(most).isPositive().isLessThanOrEqualTo(limit);
        assertThat(SealFixtures.entries(bounded.toByteArray())).isEqualTo(SealFixtures.entries(serial.toByteArray()));
    }

    @Test
    void photos_over_the_in_memory_limit_are_stripped_into_the_package_by_the_writer_with_the_same_bytes()
            throws IOException {
        Draft draft = Draft.load(SealFixtures.manyPhotos(dir.resolve("draft"), PHOTOS), CLOCK);

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        long most;
        try (MediaWork work = new MediaWork(draft, 4, 0, MediaWork.BYTES_AHEAD)) {
            Sealer.writePackage(draft, streamed, work);
            most = work.mostBytesAhead();
        }
        ByteArrayOutputStream inMemory = new ByteArrayOutputStream();
        Sealer.writePackage(draft, inMemory, 4);

        assertThat(most).isZero();
        assertThat(SealFixtures.entries(streamed.toByteArray())).isEqualTo(SealFixtures.entries(inMemory.toByteArray()))
                .anyMatch(e -> e.startsWith("p12.jpg "));
    }

    @Test
    void the_first_failure_stops_the_pool_without_waiting_for_close() throws IOException {
        Path folder = SealFixtures.manyPhotos(dir.resolve("draft"), PHOTOS);
        Files.writeString(folder.resolve("p01.jpg"), "not a photo");
        Draft draft = Draft.load(folder, CLOCK);

        try (MediaWork work = new MediaWork(draft, 1)) {
            assertThatThrownBy(work::thumbnails)
                    .isInstanceOf(MalformedMediaException.class)
                    .hasMessageStartingWith("p01.jpg: ");
            assertThat(work.stopped()).isTrue();
        }
    }

    @Test
    void a_draft_of_two_110_mb_photos_seals_in_a_256_mb_heap() throws Exception {
        Path folder = dir.resolve("draft");
        Drafts.full(folder);
        byte[] photo = Files.readAllBytes(SharedFiles.media("photo-landscape.jpg"));
        for (String name : List.of("p1.jpg", "p2.jpg")) {
            writeWithPadding(photo, folder.resolve(name), 110L << 20);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), BigPhotosSealMain.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(output).doesNotContain("OutOfMemoryError").contains("sealed");
        assertThat(p.exitValue()).isZero();
    }

    /** The photo with APP2 segments of 64 KB after its SOI until the file is about {@code size} bytes. */
    private static void writeWithPadding(byte[] photo, Path target, long size) throws IOException {
        byte[] segment = new byte[2 + 65535];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) 0xE2;
        segment[2] = (byte) 0xFF;
        segment[3] = (byte) 0xFF;
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(photo, 0, 2);
            for (long written = 2; written < size - photo.length; written += segment.length) {
                out.write(segment);
            }
            out.write(photo, 2, photo.length - 2);
        }
    }
}
