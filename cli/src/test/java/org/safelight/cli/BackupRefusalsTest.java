package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/**
 * What backup and restore refuse, and what a backup leaves out: a changed or damaged backup is
 * refused before anything is written, a backup is never written into the folder it saves, a
 * restore never goes into a folder that holds anything, no key file and no symbolic link goes into a
 * backup, and the warning says where to keep the master key and which secrets the backup holds.
 */
class BackupRefusalsTest {
    @TempDir
    Path dir;

    private Path data;
    private Path backup;

    @BeforeEach
    void aDataFolderWithItsFiles() throws Exception {
        data = dir.resolve("data");
        try (SafelightServer server = TestServer.start(data)) {
            assertThat(server.port()).isPositive();
        }
        Files.writeString(data.resolve("blacklist"), "*\n");
        Files.writeString(data.resolve("whitelist"), "*@hospital.example\n");
        Files.createDirectories(data.resolve("certs"));
        Files.writeString(data.resolve("certs/cert.pem"), "not really a certificate\n");
        backup = dir.resolve("out/data.backup");
    }

    @Test
    void a_backup_carries_the_folder_but_no_key_file_and_says_where_to_keep_the_key_and_what_secrets_it_holds()
            throws Exception {
        // what a master-key rotation and an HSM leave in the folder: none of it may travel with a backup
        Files.writeString(data.resolve("master.key.next"), "the next key\n");
        Files.writeString(data.resolve("master.key.retired-2026-11-28"), "the old key\n");
        Files.writeString(data.resolve("hsm.pin"), "1234\n");
        Files.writeString(data.resolve("certs/privkey.pem"), "not really a private key\n");
        // a folder an older version used and no server has started on since: signing keys in plain text
        Files.writeString(data.resolve("signing-keys.json"), "{\"keys\": []}\n");
        Cli.Result result = Cli.run("backup", "--data-dir", data.toString(), "-o", backup.toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).contains("WARNING").contains(data.resolve("master.key").toString())
                .contains("NOT in this backup").contains("apart from the backups")
                .contains("holds secrets").contains("certs/privkey.pem").contains("signing-keys.json")
                .contains("sealed under the master key").contains("Store it encrypted");
        assertThat(names(backup)).contains("database/safelight.db", "files/signing-keys.json", "files/blacklist",
                "files/whitelist", "files/certs/cert.pem", "files/certs/privkey.pem", "manifest.json")
                .noneMatch(n -> n.contains("master.key") || n.endsWith(".pin") || n.contains("serve.lock")
                        || n.endsWith("-wal"));
        Cli.Result verified = Cli.run("restore", backup.toString(), "--verify-only");
        assertThat(verified.exitCode()).as(verified.stderr()).isZero();
        assertThat(verified.out()).contains("intact");
    }

    @Test
    void a_symbolic_link_is_never_followed_and_the_warning_names_it() throws Exception {
        Path secret = Files.writeString(dir.resolve("shadow"), "root:secret\n");
        Path outsideFolder = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(outsideFolder.resolve("id_ed25519"), "a private key\n");
        Files.createSymbolicLink(data.resolve("certs/fullchain.pem"), secret);
        Files.createSymbolicLink(data.resolve("linked"), outsideFolder);
        Cli.Result result = Cli.run("backup", "--data-dir", data.toString(), "-o", backup.toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(names(backup)).contains("files/certs/cert.pem")
                .noneMatch(n -> n.contains("fullchain") || n.contains("linked") || n.contains("id_ed25519"));
        assertThat(result.stderr()).contains("WARNING: certs/fullchain.pem is a symbolic link: left out")
                .contains("WARNING: linked is a symbolic link: left out")
                .doesNotContain("privkey.pem"); // the secrets it names are only those it holds
    }

    @Test
    void backup_finds_the_data_folder_as_serve_does_and_restore_only_where_it_is_told() throws Exception {
        java.util.Map<String, String> env = java.util.Map.of("SAFELIGHT_DATA_DIR", data.toString());
        Cli.Result result = Cli.runWithEnv(env, "backup", "-o", backup.toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(names(backup)).contains("files/whitelist");
        Cli.Result restore = Cli.runWithEnv(env, "restore", backup.toString());
        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(restore.stderr()).contains("give --data-dir");
    }

    @Test
    void a_backup_file_inside_the_data_folder_is_refused() {
        Path inside = data.resolve("backups/data.backup");
        Cli.Result result = Cli.run("backup", "--data-dir", data.toString(), "-o", inside.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("inside the data folder");
        assertThat(inside.getParent()).doesNotExist();
    }

    @Test
    void a_backup_with_a_changed_entry_is_refused_before_anything_is_restored() throws Exception {
        assertThat(Cli.run("backup", "--data-dir", data.toString(), "-o", backup.toString()).exitCode()).isZero();
        Path changed = dir.resolve("changed.backup");
        rewrite(backup, changed, "files/whitelist", "*\n".getBytes(StandardCharsets.UTF_8));
        Path target = dir.resolve("restored");
        Cli.Result result = Cli.run("restore", changed.toString(), "--data-dir", target.toString());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("damaged or was changed").contains("files/whitelist");
        assertThat(target).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("restoring"));
        }
    }

    @Test
    void a_backup_with_damaged_bytes_is_refused_before_anything_is_restored() throws Exception {
        assertThat(Cli.run("backup", "--data-dir", data.toString(), "-o", backup.toString()).exitCode()).isZero();
        byte[] bytes = Files.readAllBytes(backup);
        bytes[51 + 200] ^= 0x40; // inside the database entry, the first, after its local header
        Path damaged = Files.write(dir.resolve("damaged.backup"), bytes);
        Path target = dir.resolve("restored");
        Cli.Result result = Cli.run("restore", damaged.toString(), "--data-dir", target.toString());
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
        assertThat(result.stderr()).contains("damaged or was changed");
        assertThat(target).doesNotExist();
    }

    @Test
    void a_restore_into_a_folder_that_holds_anything_is_refused() throws Exception {
        assertThat(Cli.run("backup", "--data-dir", data.toString(), "-o", backup.toString()).exitCode()).isZero();
        Cli.Result result = Cli.run("restore", backup.toString(), "--data-dir", data.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("is not empty").contains("never merges");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Cli.Result intoEmpty = Cli.run("restore", backup.toString(), "--data-dir", empty.toString());
        assertThat(intoEmpty.exitCode()).as(intoEmpty.stderr()).isZero();
        assertThat(intoEmpty.stderr()).contains("no master key was restored").contains("SAFELIGHT_MASTER_KEY");
        assertThat(empty.resolve("safelight.db")).exists();
        assertThat(empty.resolve("master.key")).doesNotExist();
        assertThat(Files.readString(empty.resolve("whitelist"))).isEqualTo("*@hospital.example\n");
    }

    @Test
    void on_postgresql_the_backup_carries_the_files_and_prints_the_pg_dump_to_take_first() throws Exception {
        Path pgData = dir.resolve("pg-data");
        try (Database pg = TestDatabases.postgres()) {
            String pgUrl = pg.dataSource().unwrap(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl();
            try (SafelightServer server = TestServer.start(pgData, Set.of("accounts", "keys", "cloud"), null,
                    ServeConfig.Cloud.DEFAULTS, Clock.systemUTC(), pgUrl, "postgres", "postgres")) {
                Cli.Result result = Cli.run("backup", "--data-dir", pgData.toString(), "--database-url", pgUrl,
                        "--database-user", "postgres", "-o", backup.toString());
                assertThat(result.exitCode()).as(result.stderr()).isZero();
                String db = URI.create(pgUrl.substring(5)).getPath().substring(1);
                assertThat(result.stderr()).contains("pg_dump --format=custom --file=data.backup.pgdump")
                        .contains("--username=postgres").contains("--dbname=" + db).contains("BEFORE")
                        .doesNotContain("password=").contains("NOT in this backup");
                assertThat(names(backup)).contains("files/audit-boundary.recorded", "manifest.json")
                        .doesNotContain("database/safelight.db");
                Cli.Result restore = Cli.run("restore", backup.toString(), "--data-dir", dir.resolve("pg-restored")
                        .toString(), "--database-url", pgUrl);
                assertThat(restore.exitCode()).as(restore.stderr()).isZero();
                assertThat(restore.stderr()).contains("pg_restore");
                assertThat(dir.resolve("pg-restored/audit-boundary.recorded")).exists();
                assertThat(server.port()).isPositive();
            }
        }
    }

    private static List<String> names(Path zipFile) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            zip.stream().forEach(e -> names.add(e.getName()));
        }
        return names;
    }

    /** A well-formed ZIP with the same manifest and one entry's bytes replaced. */
    private static void rewrite(Path from, Path to, String entry, byte[] replacement) throws Exception {
        try (ZipFile in = new ZipFile(from.toFile()); OutputStream file = Files.newOutputStream(to);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> all = in.entries(); all.hasMoreElements(); ) {
                ZipEntry e = all.nextElement();
                out.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals(entry)) {
                    out.write(replacement);
                } else {
                    try (var bytes = in.getInputStream(e)) {
                        bytes.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
    }
}
