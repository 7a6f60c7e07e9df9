package org.safelight.cloud.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.cloud.testing.S3Mock;

/** The blob store contract against S3Mock's standalone server, a real S3 API over HTTP. */
class S3BlobStoreTest extends BlobStoreContract {
    private static Path work;
    private static S3Mock mock;
    private static S3BlobStore store;

    @BeforeAll
    static void startS3Mock() throws Exception {
        work = Files.createTempDirectory("s3mock-");
        mock = S3Mock.start(work);
        // small parts, so that the multipart path is tested with a few MiB
        store = new S3BlobStore(new S3Settings(mock.endpoint(), "eu-central-1", S3Mock.BUCKET, "test-access",
                "test-secret"), 5L << 20, 8L << 20);
    }

    @AfterAll
    static void stopS3Mock() throws Exception {
        if (store != null) {
            store.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void a_bucket_that_does_not_exist_is_a_storage_failure_not_a_silent_loss() throws Exception {
        try (S3BlobStore wrong = new S3BlobStore(new S3Settings(mock.endpoint(), "us-east-1", "no-such-bucket", "a",
                "b"))) {
            Path file = Files.write(Files.createTempFile(dir, "x", ".part"), new byte[] {1});
            assertThatThrownBy(() -> wrong.put("AU/x-R", file)).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void the_readiness_probe_passes_against_the_bucket_and_leaves_no_object() throws Exception {
        BlobStoreProbe probe = new BlobStoreProbe(store, dir);

        probe.check();

        assertThat(store.exists(probe.key())).isFalse();
    }

    @Test
    void the_secret_key_stays_out_of_the_settings_description() {
        assertThat(new S3Settings(null, "", "b", "AKIA", "very-secret").toString()).doesNotContain("very-secret");
    }
}
