package org.safelight.cloud.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.link.ReportLink;
import org.safelight.server.testing.UnwritableFolder;

/** The readiness check "blob-store": passes on a store that works, fails on one that does not, leaves nothing. */
class BlobStoreProbeTest {
    @TempDir
    Path dir;

    private Path spool() throws IOException {
        return Files.createDirectories(dir.resolve("spool"));
    }

    private static long files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void a_working_folder_passes_and_keeps_no_probe_and_no_spooled_file() throws Exception {
        Path root = dir.resolve("cloud");
        FolderBlobStore store = new FolderBlobStore(root);
        BlobStoreProbe probe = new BlobStoreProbe(store, spool());

        probe.check();
        probe.check();

        assertThat(files(root)).isZero();
        assertThat(files(dir.resolve("spool"))).isZero();
        assertThat(store.exists(probe.key())).isFalse();
    }

    @Test
    void checks_within_the_interval_answer_the_last_outcome_without_touching_the_store() throws Exception {
        Path root = dir.resolve("cloud");
        FolderBlobStore store = new FolderBlobStore(root);
        BlobStoreProbe everyThirtySeconds = new BlobStoreProbe(store, spool());
        BlobStoreProbe everyCheck = new BlobStoreProbe(store, spool(), Duration.ZERO);
        everyThirtySeconds.check();
        everyCheck.check();

        Files.delete(root.resolve("ZZ")); // the probes' own folder, left empty
        Files.delete(root);
        Files.writeString(root, "the disk is gone");

        assertThatCode(everyThirtySeconds::check).as("answered from the last probe").doesNotThrowAnyException();
        assertThatThrownBy(everyCheck::check).isInstanceOf(IOException.class);
    }

    @Test
    void the_probes_name_can_never_be_a_reports() throws Exception {
        FolderBlobStore store = new FolderBlobStore(dir.resolve("cloud"));
        BlobStoreProbe probe = new BlobStoreProbe(store, dir);
        String[] parts = probe.key().split("/", 2);

        assertThat(probe.key()).startsWith(BlobStoreProbe.PREFIX).matches("ZZ/readiness-probe-[0-9a-f]{16}");
        assertThat(ReportLink.parse(parts[0], parts[1])).isEmpty();
        assertThat(new BlobStoreProbe(store, dir).key()).as("one per instance").isNotEqualTo(probe.key());
    }

    @Test
    void a_folder_that_cannot_be_written_fails_the_check() throws Exception {
        Path readOnly = UnwritableFolder.make(dir);
        try {
            BlobStoreProbe probe = new BlobStoreProbe(new FolderBlobStore(readOnly), spool());
            assertThatThrownBy(probe::check).isInstanceOf(IOException.class).hasMessageContaining("cannot be written");
        } finally {
            UnwritableFolder.release(readOnly);
        }
    }

    @Test
    void an_s3_endpoint_that_does_not_answer_fails_the_check() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (S3BlobStore down = new S3BlobStore(new S3Settings(URI.create("http://127.0.0.1:" + closedPort),
                "eu-central-1", "safelight-test", "test-access", "test-secret"))) {
            BlobStoreProbe probe = new BlobStoreProbe(down, spool());

            assertThatThrownBy(probe::check).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("the blob store cannot be written and read back")
                    .hasMessageNotContaining("127.0.0.1");
            assertThat(files(dir.resolve("spool"))).isZero();
        }
    }
}
