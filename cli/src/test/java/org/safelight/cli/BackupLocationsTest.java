package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;

/**
 * A server whose SQLite database and endpoint received folder live outside its data folder: the
 * backup takes them from there, leaves work in progress out, and restore puts each where it is told.
 */
class BackupLocationsTest {
    @TempDir
    Path dir;

    @Test
    void a_database_and_received_files_kept_elsewhere_are_backed_up_and_restored_where_asked() throws Exception {
        Path data = dir.resolve("data");
        String dbUrl = "jdbc:sqlite:" + dir.resolve("db/elsewhere.db");
        try (SafelightServer server = TestServer.start(data, Set.of("accounts", "keys"), null,
                ServeConfig.Cloud.DEFAULTS, Clock.systemUTC(), dbUrl, null, null)) {
            assertThat(server.port()).isPositive();
        }
        Path received = Files.createDirectories(dir.resolve("shared/received"));
        Files.writeString(received.resolve("0001.picsafe"), "sealed bytes");
        Files.writeString(received.resolve(".abc.partial"), "half a file");
        Files.createDirectories(data.resolve("endpoint/work/r1"));
        Files.writeString(data.resolve("endpoint/work/r1/wound.jpg"), "decrypted while delivering");
        Files.createDirectories(data.resolve("cloud/.spool"));
        Files.writeString(data.resolve("cloud/.spool/upload"), "half an upload");
        Files.createDirectories(data.resolve("tmp"));
        Files.writeString(data.resolve("tmp/scratch"), "scratch");

        Path backup = dir.resolve("out/b.backup");
        Cli.Result result = Cli.run("backup", "--data-dir", data.toString(), "--database-url", dbUrl,
                "--endpoint-received", received.toString(), "-o", backup.toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(backup.toFile())) {
            zip.stream().forEach(e -> names.add(e.getName()));
        }
        assertThat(names).contains("database/safelight.db", "endpoint-received/0001.picsafe",
                "files/audit-boundary.recorded")
                .noneMatch(n -> n.contains("partial") || n.contains("work/") || n.contains(".spool")
                        || n.startsWith("files/tmp/"));

        Path restored = dir.resolve("new/data");
        String newDb = "jdbc:sqlite:" + dir.resolve("new/db/safelight.db");
        Path newReceived = dir.resolve("new/received");
        Cli.Result restore = Cli.run("restore", backup.toString(), "--data-dir", restored.toString(),
                "--database-url", newDb, "--endpoint-received", newReceived.toString(),
                "--master-key", data.resolve("master.key").toString());
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        assertThat(restore.stderr()).doesNotContain("no master key");
        assertThat(dir.resolve("new/db/safelight.db")).exists();
        assertThat(restored.resolve("safelight.db")).doesNotExist();
        assertThat(Files.readString(newReceived.resolve("0001.picsafe"))).isEqualTo("sealed bytes");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(newReceived))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored.resolve("master.key"))))
                .isEqualTo("rw-------");
        Cli.Result verify = Cli.run("audit", "verify", "--data-dir", restored.toString(), "--database-url", newDb);
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();

        Cli.Result again = Cli.run("restore", backup.toString(), "--data-dir", dir.resolve("other").toString(),
                "--database-url", newDb);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.stderr()).contains("a database already exists");
        assertThat(dir.resolve("other")).doesNotExist();
    }
}
