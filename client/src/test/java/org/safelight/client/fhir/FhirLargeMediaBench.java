package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.safelight.client.fhir.testing.FhirTestServer;

/**
 * Run by {@code bench/fhir-large-media.sh}, never by the tests: a report with a 5 MB photo and a
 * {@code VIDEO_MIB} video filed by a child JVM with a small heap ({@link FilingMain}) into the test
 * FHIR server (R4, Basic) in this JVM. Prints the time, the throughput, the child's peak resident
 * memory (VmHWM, sampled from /proc every 50 ms) and whether the stored bytes match (SHA-256).
 * Arguments: {@code VIDEO_MIB CHILD_HEAP WORK_FOLDER}.
 */
public final class FhirLargeMediaBench {
    private FhirLargeMediaBench() {
    }

    public static void main(String[] args) throws Exception {
        long videoBytes = Long.parseLong(args[0]) * 1024 * 1024;
        String heap = args[1];
        Path work = Path.of(args[2]);
        Path folder = work.resolve("contents");
        Path photo = FlatMemoryTest.random(work.resolve("photo.jpg"), 5L * 1024 * 1024, 1);
        Path video = FlatMemoryTest.random(work.resolve("video.m4v"), videoBytes, 2);
        ReportFolders.report().photo("IMG_0001", photo).video("VID_0001", video).write(folder);
        Files.delete(photo);
        Files.delete(video);

        try (FhirTestServer fhir = FhirTestServer.start(FhirVersion.R4)) {
            String patient = fhir.addPatient("Ada", "Quill", "1961-03-07");
            String doctor = fhir.addPractitioner("Dr", "Noor", "Haddad", "noor.haddad@example.org");
            Path log = work.resolve("child.log");
            long start = System.nanoTime();
            // the tests' quiet log configuration (bench/fhir-large-media.sh gives it); else Logback logs at DEBUG
            Process child = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                    "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                    "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    FilingMain.class.getName(), fhir.baseUrl().toString(), "r4", "media", folder.toString(),
                    patient, doctor, FhirTestServer.USER, FhirTestServer.PASSWORD))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long peakKib = 0;
            Path status = Path.of("/proc", Long.toString(child.pid()), "status");
            while (!child.waitFor(50, TimeUnit.MILLISECONDS)) {
                peakKib = Math.max(peakKib, hwmKib(status).orElse(0L));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("child exit code      %d (heap -Xmx%s)%n", child.exitValue(), heap);
            System.out.printf("video                %,d bytes%n", videoBytes);
            System.out.printf("filing time          %.2f s (child JVM start included)%n", seconds);
            System.out.printf("throughput           %.1f MB/s%n", (videoBytes + 5.0 * 1024 * 1024) / 1e6 / seconds);
            System.out.printf("child peak RSS       %,d KiB (VmHWM, last sample before exit)%n", peakKib);
            if (child.exitValue() != 0) {
                System.out.println(Files.readString(log));
                System.exit(1);
            }
            reference(fhir, folder.resolve("VID_0001.m4v"), work.resolve("curl.log"));
            for (String media : fhir.resources("Media").stream().map(fhir::reference).toList()) {
                JsonNode content = FhirClient.JSON.readTree(fhir.json(media)).path("content");
                String name = content.path("title").asText();
                boolean same = Hashes.sha256(fhir.binaryBytes(content.path("url").asText()))
                        .equals(Hashes.sha256(folder.resolve(name)));
                System.out.printf("%-20s %s%n", name, same ? "stored byte-identical" : "DIFFERS");
                if (!same) {
                    System.exit(1);
                }
            }
        }
    }

    /**
     * The reference in the same run: the same video uploaded raw to the same server by curl
     * ({@code -T}, which streams from the file), its time and peak RSS sampled the same way.
     */
    private static void reference(FhirTestServer fhir, Path video, Path log) throws Exception {
        long start = System.nanoTime();
        Process curl = new ProcessBuilder(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-X", "POST",
                "-u", FhirTestServer.USER + ":" + FhirTestServer.PASSWORD, "-H", "Content-Type: video/mp4",
                "-H", "Prefer: return=minimal", "-T", video.toString(), fhir.baseUrl() + "/Binary"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long peakKib = 0;
        Path status = Path.of("/proc", Long.toString(curl.pid()), "status");
        while (!curl.waitFor(50, TimeUnit.MILLISECONDS)) {
            peakKib = Math.max(peakKib, hwmKib(status).orElse(0L));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("reference: curl -T   exit %d, %.2f s, %.1f MB/s, peak RSS %,d KiB (the video alone)%n",
                curl.exitValue(), seconds, Files.size(video) / 1e6 / seconds, peakKib);
    }

    private static Optional<Long> hwmKib(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (java.io.IOException | NumberFormatException gone) {
            // the child exited between two samples
        }
        return Optional.empty();
    }
}
