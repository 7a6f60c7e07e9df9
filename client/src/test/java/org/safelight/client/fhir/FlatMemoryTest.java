package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof: "a 5 MB photo and a large video pass with flat memory". A report with a 5 MB photo and a
 * 300 MB video is filed by a child JVM whose heap is 64 MB: had the filer read either file into
 * memory (or base64'd it), the child would die of OutOfMemoryError. The server checks what arrived
 * by SHA-256 as it streams in.
 */
@Timeout(300)
class FlatMemoryTest {
    private static final long PHOTO = 5L * 1024 * 1024;
    private static final long VIDEO = 300L * 1024 * 1024;
    @TempDir
    Path dir;

    @Test
    void a_5_mb_photo_and_a_300_mb_video_are_filed_by_a_jvm_with_a_64_mb_heap() throws Exception {
        Path folder = dir.resolve("contents");
        Path photoSource = random(dir.resolve("photo.jpg"), PHOTO, 1);
        Path videoSource = random(dir.resolve("video.m4v"), VIDEO, 2);
        ReportFolders.report().photo("IMG_0001", photoSource).video("VID_0001", videoSource).write(folder);
        Files.delete(photoSource);
        Files.delete(videoSource);

        try (FakeFhir server = new FakeFhir()) {
            AtomicInteger ids = new AtomicInteger();
            server.answer = (r, i) -> new FakeFhir.Reply(201, Map.of("Location",
                    r.pathAndQuery() + "/" + ids.incrementAndGet()), "");

            Path log = dir.resolve("child.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                    "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    FilingMain.class.getName(), server.base().toString(), "r4", "media", folder.toString()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = child.waitFor(240, TimeUnit.SECONDS);
            if (!done) {
                child.destroyForcibly();
            }
            String output = Files.readString(log);

            assertThat(done).as("the child finished in time; it wrote:%n%s", output).isTrue();
            assertThat(child.exitValue()).as("the child's exit code; it wrote:%n%s", output).isZero();
            assertThat(output).contains("max heap");
            List<FakeFhir.Request> binaries = server.requests.stream()
                    .filter(r -> r.pathAndQuery().equals("/fhir/Binary")).toList();
            // report.pdf is small: it goes as a JSON Binary
            assertThat(binaries).extracting(r -> r.headers().get("Content-Type"))
                    .containsExactly("image/jpeg", "video/mp4", "application/fhir+json; charset=utf-8");
            assertThat(binaries.get(0).sha256()).isEqualTo(Hashes.sha256(folder.resolve("IMG_0001.jpg")));
            assertThat(binaries.get(1).size()).isEqualTo(VIDEO);
            assertThat(binaries.get(1).sha256()).isEqualTo(Hashes.sha256(folder.resolve("VID_0001.m4v")));
        }
    }

    /** {@code size} random bytes, written a megabyte at a time. */
    static Path random(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }
}
