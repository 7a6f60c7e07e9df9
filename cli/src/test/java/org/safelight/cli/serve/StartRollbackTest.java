package org.safelight.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartRollbackTest {
    @TempDir
    Path tmp;

    private static String sqlite(Path data) {
        return "jdbc:sqlite:" + data.resolve("safelight.db");
    }

    /** What a file write may throw. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * A start that looked at {@code data}, prepared it, then (after {@code meanwhile}: another server's
     * doing) took its lock, wrote {@code writes} and failed: its rollback undone under the lock.
     */
    private static void failedStart(Path data, Step meanwhile, Step writes) throws Exception {
        StartRollback rollback = StartRollback.before(data, sqlite(data));
        DataFolder.prepare(data, sqlite(data));
        meanwhile.run();
        DataFolderLock lock = DataFolderLock.acquire(data);
        try {
            rollback = rollback.underLock();
            writes.run();
            rollback.undo();
        } finally {
            lock.close();
        }
    }

    @Test
    void a_failed_start_in_a_folder_it_created_removes_the_folder() throws Exception {
        Path data = tmp.resolve("new/data");
        failedStart(data, () -> { },
                () -> Files.writeString(data.resolve("master.key"), "k"));
        assertThat(tmp.resolve("new")).doesNotExist();
    }

    @Test
    void what_another_server_wrote_before_this_start_held_the_lock_is_never_removed() throws Exception {
        Path data = tmp.resolve("data");
        // Between this start's first look and its lock, another server made the folder, served and stopped.
        failedStart(data, () -> {
            Files.writeString(data.resolve("safelight.db"), "the other server's database");
            Files.writeString(data.resolve("master.key"), "the other server's master key");
        }, () -> Files.writeString(data.resolve("added-by-this-start"), "x"));
        assertThat(data.resolve("safelight.db")).hasContent("the other server's database");
        assertThat(data.resolve("master.key")).hasContent("the other server's master key");
    }

    @Test
    void a_start_that_finds_only_a_lock_file_in_its_new_folder_still_removes_it_all() throws Exception {
        Path data = tmp.resolve("fresh");
        failedStart(data, () -> { },
                () -> Files.writeString(data.resolve("safelight.db"), "made by this start"));
        assertThat(data).doesNotExist();
    }

    @Test
    void a_failed_start_in_an_existing_empty_folder_leaves_it_empty() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("given"));
        failedStart(data, () -> { },
                () -> Files.writeString(data.resolve("master.key"), "k"));
        try (var left = Files.list(data)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsOnly(DataFolderLock.FILE_NAME);
        }
    }
}
