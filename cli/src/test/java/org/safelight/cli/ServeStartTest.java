package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.DataFolderLock;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.db.Database;

/** How {@code serve} starts: one server per data folder, and a failed start leaves nothing behind. */
class ServeStartTest {
    @TempDir
    Path dir;

    private static ServeConfig config(Path data, int port) {
        return new ServeConfig(data, "127.0.0.1", port, Set.of("accounts", "keys", "cloud", "web"),
                Database.sqliteUrl(data), null, null, null, URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60);
    }

    @Test
    void a_second_server_on_the_same_data_folder_is_refused_naming_the_folder_until_the_first_stops() throws Exception {
        Path data = dir.resolve("data");
        SafelightServer first = TestServer.start(data);
        try {
            assertThatThrownBy(() -> SafelightServer.start(config(data, 0)).close())
                    .isInstanceOf(DataFolderLock.HeldException.class)
                    .hasMessageContaining("another Safelight server is using the data folder " + data.toAbsolutePath());
            assertThat(data.resolve("safelight.db")).exists(); // the refused start removed nothing of the first's
        } finally {
            first.close();
        }
        try (SafelightServer again = SafelightServer.start(config(data, 0))) {
            assertThat(again.port()).isPositive(); // the lock went with the first server
        }
    }

    @Test
    void serve_on_a_folder_in_use_fails_with_one_line_naming_it() throws Exception {
        Path data = dir.resolve("data");
        try (SafelightServer first = TestServer.start(data)) {
            assertThat(first.port()).isPositive();
            Cli.Result second = Cli.run("serve", "--data-dir", data.toString(), "--port", "0");
            assertThat(second.exitCode()).isEqualTo(2);
            assertThat(second.errLines()).hasSize(1);
            assertThat(second.stderr()).contains("data folder " + data.toAbsolutePath());
        }
    }

    @Test
    void a_start_that_fails_leaves_no_data_folder_no_lock_no_port_and_no_thread() throws Exception {
        Path data = dir.resolve("new").resolve("data");
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> SafelightServer.start(config(data, taken.getLocalPort())).close())
                    .isInstanceOf(io.javalin.util.JavalinBindException.class);
        }
        assertThat(dir.resolve("new")).doesNotExist();
        // Javalin's own hint thread ("you never started it") ends by itself after 5 s: wait for what ends
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .filter(t -> !t.getName().startsWith("ForkJoinPool") && !t.getName().startsWith("HttpClient")
                        && !t.getName().equals("process reaper"))
                .toList();
        for (Thread t : started) {
            t.join(15_000);
        }
        assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName))
                .as("threads the failed start left running").isEmpty();
        // and the folder is free: a start on it now succeeds
        try (SafelightServer server = SafelightServer.start(config(data, 0))) {
            assertThat(server.port()).isPositive();
            assertThat(Files.exists(data.resolve(DataFolderLock.FILE_NAME))).isTrue();
        }
    }

    @Test
    void a_failed_start_in_an_existing_folder_with_its_database_removes_nothing() throws Exception {
        Path data = dir.resolve("data");
        TestServer.start(data).close();
        List<String> entries;
        try (var list = Files.list(data)) {
            entries = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> SafelightServer.start(config(data, taken.getLocalPort())).close())
                    .isInstanceOf(io.javalin.util.JavalinBindException.class);
        }
        try (var list = Files.list(data)) {
            assertThat(list.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(entries);
        }
    }
}
