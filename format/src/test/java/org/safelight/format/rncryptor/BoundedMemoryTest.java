package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams a message eight times larger than the heap through encryption and verified decryption,
 * in a child JVM limited to 32 MiB: it passes only if memory stays flat whatever the size.
 */
class BoundedMemoryTest {
    private static final long SIZE = 256L * 1024 * 1024;
    private static final String HEAP = "-Xmx32m";

    @TempDir
    Path dir;

    @Test
    void a_256_MiB_message_round_trips_through_a_file_in_a_32_MiB_heap() throws Exception {
        assertRoundTripsInSmallHeap("file");
    }

    @Test
    void a_256_MiB_message_round_trips_through_the_upload_spool_in_a_32_MiB_heap() throws Exception {
        assertRoundTripsInSmallHeap("spool");
    }

    @Test
    void a_256_MiB_message_round_trips_through_the_two_thread_file_paths_in_a_32_MiB_heap() throws Exception {
        assertRoundTripsInSmallHeap("files");
    }

    private void assertRoundTripsInSmallHeap(String path) throws IOException, InterruptedException {
        // The child's own temporary folder: its sealed file and any spool must be gone when it exits.
        Path childTmp = Files.createDirectory(dir.resolve("tmp"));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + childTmp,
                "-cp", System.getProperty("java.class.path"),
                BigStreamRoundTrip.class.getName(), path, Long.toString(SIZE)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!child.waitFor(2, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor();
            fail("the " + path + " round trip of " + SIZE + " bytes did not finish within 2 minutes; output so far:%n%s",
                    Files.readString(log));
        }
        String output = Files.readString(log);

        assertThat(child.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("bytes=" + SIZE + " ").contains(" matched");
        try (Stream<Path> left = Files.list(childTmp)) {
            assertThat(left).as("temporary files left behind").isEmpty();
        }
    }
}
