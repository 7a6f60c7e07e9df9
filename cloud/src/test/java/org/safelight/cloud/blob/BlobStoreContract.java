package org.safelight.cloud.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} promises; each implementation's test extends this. */
abstract class BlobStoreContract {
    @TempDir
    Path dir;

    abstract BlobStore store();

    /** A size that takes each store's large-file path (multipart, at the S3 test's part size). */
    static final int LARGE_SIZE = 12 << 20;

    private Path file(byte[] bytes) throws Exception {
        return Files.write(Files.createTempFile(dir, "blob", ".part"), bytes);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String key() {
        return "AU/" + Long.toHexString(System.nanoTime()) + "-R" + new Random().nextInt(1_000_000);
    }

    private byte[] read(String key, long offset, long length) throws Exception {
        try (InputStream in = store().read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    @Test
    void through_hashed_keys_nothing_is_stored_under_the_links_secret_part() throws Exception {
        BlobStore hashed = HashedKeyBlobStore.over(store());
        byte[] bytes = random(10_000, 5);
        String key = "AU/" + "Ab3".repeat(7) + "x-R" + new Random().nextInt(1_000_000);

        hashed.put(key, file(bytes));

        String stored = HashedKeyBlobStore.storedKey(key);
        assertThat(stored).matches("AU/[0-9a-f]{64}").doesNotContain(key.substring(3, 25));
        assertThat(store().exists(key)).isFalse();
        assertThat(store().exists(stored)).isTrue();
        assertThat(hashed.exists(key)).isTrue();
        try (InputStream in = hashed.read(key, 0, bytes.length)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        hashed.delete(key);
        assertThat(hashed.exists(key)).isFalse();
        assertThat(store().exists(stored)).isFalse();
    }

    @Test
    void a_blob_stored_under_its_plain_name_before_the_upgrade_is_still_read_and_deleted() throws Exception {
        BlobStore hashed = HashedKeyBlobStore.over(store());
        byte[] bytes = random(10_000, 6);
        String key = key();
        store().put(key, file(bytes));

        assertThat(hashed.exists(key)).isTrue();
        try (InputStream in = hashed.read(key, 100, 50)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 100, 150));
        }
        hashed.delete(key);
        assertThat(store().exists(key)).isFalse();
        assertThatThrownBy(() -> hashed.read(key, 0, 1)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void a_blob_reads_back_whole_and_in_ranges() throws Exception {
        byte[] bytes = random(300_000, 1);
        String key = key();
        store().put(key, file(bytes));
        assertThat(store().exists(key)).isTrue();
        assertThat(read(key, 0, bytes.length)).isEqualTo(bytes);
        assertThat(read(key, 1000, 5000)).isEqualTo(Arrays.copyOfRange(bytes, 1000, 6000));
        assertThat(read(key, bytes.length - 1, 1)).containsExactly(bytes[bytes.length - 1]);
    }

    @Test
    void a_large_blob_goes_in_and_comes_back_intact() throws Exception {
        byte[] bytes = random(LARGE_SIZE, 2);
        String key = key();
        store().put(key, file(bytes));
        assertThat(read(key, 0, bytes.length)).isEqualTo(bytes);
        assertThat(read(key, LARGE_SIZE - 100_000, 100_000))
                .isEqualTo(Arrays.copyOfRange(bytes, LARGE_SIZE - 100_000, LARGE_SIZE));
    }

    /** All of {@code channel}'s bytes, by positional reads (the channel's position is not relied on). */
    private static byte[] contents(FileChannel channel) throws Exception {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(channel.size()));
        while (all.hasRemaining() && channel.read(all, all.position()) >= 0) {
            // positional reads until full
        }
        return all.array();
    }

    @Test
    void a_blob_opened_as_a_file_holds_the_stored_bytes_or_the_store_offers_only_streams() throws Exception {
        byte[] bytes = random(200_000, 7);
        BlobStore hashed = HashedKeyBlobStore.over(store());
        String key = key();
        hashed.put(key, file(bytes));
        String old = key();
        store().put(old, file(bytes)); // stored under its plain name before the upgrade

        for (String k : new String[] {key, old}) {
            Optional<FileChannel> file = hashed.openFile(k);
            if (file.isPresent()) {
                try (FileChannel channel = file.get()) {
                    assertThat(contents(channel)).isEqualTo(bytes);
                }
            } else {
                assertThat(store()).as("a store without files").isNotInstanceOf(FolderBlobStore.class);
                try (InputStream in = hashed.read(k, 0, bytes.length)) {
                    assertThat(in.readAllBytes()).isEqualTo(bytes);
                }
            }
        }
    }

    @Test
    void a_blob_deleted_while_its_file_is_open_is_still_read_whole_from_it() throws Exception {
        byte[] bytes = random(300_000, 8);
        String key = key();
        store().put(key, file(bytes));
        Optional<FileChannel> file = store().openFile(key);
        if (file.isEmpty()) {
            return; // nothing to hold open: such stores stream
        }
        try (FileChannel channel = file.get()) {
            store().delete(key);
            assertThat(store().exists(key)).isFalse();
            assertThat(contents(channel)).isEqualTo(bytes);
        }
    }

    @Test
    void a_missing_blob_is_not_found_and_deleting_it_is_harmless() throws Exception {
        String key = key();
        assertThat(store().exists(key)).isFalse();
        assertThatThrownBy(() -> read(key, 0, 10)).isInstanceOf(BlobNotFoundException.class);
        if (store() instanceof FolderBlobStore) {
            assertThatThrownBy(() -> store().openFile(key)).isInstanceOf(BlobNotFoundException.class);
        } else {
            assertThat(store().openFile(key)).as("a store without files opens none").isEmpty();
        }
        store().delete(key);
        store().put(key, file(new byte[] {1, 2, 3}));
        store().delete(key);
        assertThat(store().exists(key)).isFalse();
        assertThatThrownBy(() -> read(key, 0, 3)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void readers_never_see_part_of_a_blob_being_stored() throws Exception {
        byte[] bytes = random(4 << 20, 3);
        String key = key();
        Path source = file(bytes);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> put = pool.submit(() -> {
                store().put(key, source);
                return null;
            });
            while (!put.isDone()) { // a failed put ends the loop too; put.get() then throws its failure
                if (store().exists(key)) {
                    // visible means complete
                    assertThat(read(key, 0, bytes.length)).hasSize(bytes.length);
                }
                Thread.sleep(1); // leaves the put (and S3Mock) some of the 2 cores
            }
            put.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(read(key, 0, bytes.length)).isEqualTo(bytes);
    }
}
