package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pending (unverified) file is private from its creation and does not outlive its process. */
class PendingFileCleanupTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void a_decryption_stopped_by_sigterm_half_way_leaves_no_partial_file() throws Exception {
        // Stalled past the first of PendingFile's staging buffers, so that plaintext has reached the file.
        byte[] plain = new byte[2 * DirectWrites.STAGE + 6 * RNCryptorFiles.BLOCK];
        new Random(14).nextBytes(plain);
        Path sealed = dir.resolve("big.picsafe");
        RNCryptorFiles.encrypt(new ByteArrayInputStream(plain), sealed, Secret.password("pw"));
        Path outDir = Files.createDirectory(dir.resolve("out"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StalledDecryption.class.getName(), sealed.toString(), outDir.resolve("big.bin").toString(), "pw",
                Long.toString(DirectWrites.STAGE + 3L * RNCryptorFiles.BLOCK))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long until = System.nanoTime() + DEADLINE.toNanos();
            while (partialsWithPlaintext(outDir).isEmpty()) {
                assertThat(child.isAlive()).as("child still running; log: %s", log()).isTrue();
                assertThat(System.nanoTime()).as("a partial file appeared in time").isLessThan(until);
                Thread.onSpinWait();
            }
            child.destroy(); // SIGTERM on Unix
            assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("ended by the signal, not finished").isEqualTo(143);
        } finally {
            child.destroyForcibly();
        }
        try (Stream<Path> left = Files.list(outDir)) {
            assertThat(left.collect(Collectors.toList())).isEmpty();
        }
    }

    @Test
    void the_pending_file_is_owner_only_under_a_fresh_name_and_forgotten_at_exit_once_closed() throws Exception {
        Path partial;
        try (PendingFile file = new PendingFile(dir.resolve("report.bin"))) {
            partial = file.partialPath();
            assertThat(Files.getPosixFilePermissions(partial))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(partial.getFileName().toString()).startsWith(".report.bin.").endsWith(".partial");
            assertThat(PendingFile.isPendingAtExit(partial)).isTrue();
            try (PendingFile other = new PendingFile(dir.resolve("report.bin"))) {
                assertThat(other.partialPath()).isNotEqualTo(partial);
            }
        }
        assertThat(partial).doesNotExist();
        assertThat(PendingFile.isPendingAtExit(partial)).isFalse();

        try (PendingFile file = new PendingFile(dir.resolve("kept.bin"))) {
            partial = file.partialPath();
            file.write(new byte[] {1, 2, 3}, 0, 3);
            file.commit();
        }
        assertThat(dir.resolve("kept.bin")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(PendingFile.isPendingAtExit(partial)).isFalse();
    }

    private static List<Path> partialsWithPlaintext(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".partial")).filter(p -> {
                try {
                    return Files.size(p) > 0;
                } catch (IOException e) {
                    return false; // renamed or deleted meanwhile
                }
            }).collect(Collectors.toList());
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("child.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
