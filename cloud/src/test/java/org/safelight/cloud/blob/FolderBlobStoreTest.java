package org.safelight.cloud.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FolderBlobStoreTest extends BlobStoreContract {
    private FolderBlobStore store;

    @BeforeEach
    void open() throws Exception {
        store = new FolderBlobStore(dir.resolve("cloud"));
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void blobs_are_files_in_folders_only_their_owner_reads_and_no_temporary_file_is_left() throws Exception {
        Path source = Files.write(dir.resolve("up.part"), new byte[] {1, 2, 3});
        store.put("UK/abc-R1", source);
        Path blob = dir.resolve("cloud/UK/abc-R1");
        assertThat(blob).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(blob))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cloud"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cloud/UK"))))
                .isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dir.resolve("cloud/UK"))) {
            assertThat(files).containsExactly(blob);
        }
    }

    @Test
    void keys_cannot_reach_outside_the_folder() {
        assertThatThrownBy(() -> store.exists("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete("AU/../../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read("/etc/passwd", 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
