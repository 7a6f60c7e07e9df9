package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.testing.FhirTestServer;

/**
 * Proof: "a 5 MB photo and a large video pass with flat memory". A report with a 5 MB photo and a
 * 300 MB video is filed by a child JVM whose heap is 64 MB: had the filer read either file into
 * memory (or base64'd it), the child would die of OutOfMemoryError. The real test FHIR server
 * (Basic on) receives them; what it stored is compared with the files by SHA-256.
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

        try (FhirTestServer fhir = FhirTestServer.start(FhirVersion.R4)) {
            String patient = fhir.addPatient("Ada", "Quill", "1961-03-07");
            String doctor = fhir.addPractitioner("Dr", "Noor", "Haddad", "noor.haddad@example.org");
            Path log = dir.resolve("child.log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                    "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    FilingMain.class.getName(), fhir.baseUrl().toString(), "r4", "media", folder.toString(),
                    patient, doctor, FhirTestServer.USER, FhirTestServer.PASSWORD));
            // the tests' quiet log configuration; without one Logback would log everything at DEBUG
            String logConfig = System.getProperty("logback.configurationFile");
            if (logConfig != null) {
                command.add(1, "-Dlogback.configurationFile=" + logConfig);
            }
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = child.waitFor(240, TimeUnit.SECONDS);
            if (!done) {
                child.destroyForcibly();
            }
            String output = Files.readString(log);

            assertThat(done).as("the child finished in time; it wrote:%n%s", output).isTrue();
            assertThat(child.exitValue()).as("the child's exit code; it wrote:%n%s", output).isZero();
            List<String> media = fhir.resources("Media").stream().map(fhir::reference).toList();
            assertThat(media).hasSize(2);
            JsonNode photo = FhirClient.JSON.readTree(fhir.json(media.get(0))).path("content");
            JsonNode video = FhirClient.JSON.readTree(fhir.json(media.get(1))).path("content");
            assertThat(photo.path("contentType").asText()).isEqualTo("image/jpeg");
            assertThat(video.path("contentType").asText()).isEqualTo("video/mp4");
            assertThat(video.path("size").asLong()).isEqualTo(VIDEO);
            assertThat(Hashes.sha256(fhir.binaryBytes(photo.path("url").asText())))
                    .isEqualTo(Hashes.sha256(folder.resolve("IMG_0001.jpg")));
            assertThat(Hashes.sha256(fhir.binaryBytes(video.path("url").asText())))
                    .isEqualTo(Hashes.sha256(folder.resolve("VID_0001.m4v")));
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
