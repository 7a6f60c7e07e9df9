package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.cloud.UploadLimits;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.testing.Ports;

/**
 * The backup of a running server (SQLite, folder blob store) taken by another process while clients
 * make keys, upload reports and fetch keys, restored into a new folder with the original master key and served again:
 * every report acknowledged before the backup started opens there (its key is handed out, its
 * cloud blob downloads and decrypts under it), and the audit log verifies.
 */
class BackupUnderLoadTest {
    private static final int USERS = 4;
    private static final List<String> ROLES = List.of("accounts", "keys", "cloud");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void every_report_acknowledged_before_an_online_backup_opens_on_the_server_restored_from_it() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backups/safelight.backup");
        List<ReportLoad.Acked> before;
        URI publicUrl;
        try (SafelightServer server = start(data, null)) {
            publicUrl = server.url();
            String url = publicUrl.toString();
            TestUsers people = new TestUsers(dir, data, url);
            CloudHttp accounts = new CloudHttp(url);
            List<ReportLoad.User> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                String who = "u" + i;
                String email = who + "@hospital.example";
                people.signUpVerifyAndLogIn(who, email);
                String token = accounts.token(who, email);
                users.add(new ReportLoad.User(who, email, token, accounts.keyServerToken(token, url)));
            }
            ReportLoad load = new ReportLoad(url);
            try {
                load.start(users);
                assertThat(load.awaitAcked(40, Duration.ofSeconds(120))).as("%s", load.errors()).isTrue();

                long started = System.nanoTime();
                Cli.Result result = backupInItsOwnProcess(data, backup);
                assertThat(result.exitCode()).as(result.stderr()).isZero();
                assertThat(result.out()).as("database first, blobs second")
                        .containsPattern("Every one of the snapshot's \\d+ cloud reports has its blob in the backup");
                assertThat(result.stderr()).contains("master key").contains("NOT in this backup")
                        .contains("password manager");
                before = load.ackedBefore(started);
                assertThat(load.awaitAcked(load.ackedCount() + USERS, Duration.ofSeconds(60)))
                        .as("the load goes on after the backup: %s", load.errors()).isTrue();
                load.stop();
                assertThat(load.errors()).as("every request answered as expected while the backup ran").isEmpty();
            } finally {
                load.stop();
            }
        }
        assertThat(before).hasSizeGreaterThanOrEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
        try (Stream<Path> beside = Files.list(backup.getParent())) {
            assertThat(beside).as("no scratch files left beside the backup").containsExactly(backup);
        }

        Path restored = dir.resolve("restored");
        Cli.Result restore = Cli.run("restore", backup.toString(), "--data-dir", restored.toString(),
                "--master-key", data.resolve("master.key").toString());
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.walk(restored)) {
            assertThat(files.filter(Files::isRegularFile).map(f -> permissions(f)).distinct())
                    .containsExactly("rw-------");
        }
        Cli.Result verify = Cli.run("audit", "verify", "--data-dir", restored.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();

        // Served from the restored folder under the same public address: the old tokens' issuer, the same signing keys.
        try (SafelightServer again = start(restored, publicUrl)) {
            String local = again.url().toString();
            CloudHttp http = new CloudHttp(local);
            for (ReportLoad.User u : users(before)) {
                String token = http.token(u.who(), u.email());
                String keyToken = http.keyServerToken(token, publicUrl.toString());
                for (ReportLoad.Acked a : before) {
                    if (!a.owner().who().equals(u.who())) {
                        continue;
                    }
                    HttpResponse<String> key = http.get(local + "/api/v1/reports/" + a.reportId() + "/key", keyToken);
                    assertThat(key.statusCode()).as("key of %s: %s", a.reportId(), key.body()).isEqualTo(200);
                    assertThat(CloudHttp.json(key.body()).path("key").asText()).isEqualTo(a.key());
                    HttpResponse<byte[]> blob = http.download(a.downloadUrl().replace(publicUrl.toString(), local),
                            token, null);
                    assertThat(blob.statusCode()).as("blob of %s", a.reportId()).isEqualTo(200);
                    assertThat(RNCryptor.decrypt(encrypted(blob.body()), Secret.password(a.key())))
                            .isEqualTo(a.packageZip());
                }
            }
        }
        Cli.Result after = Cli.run("audit", "verify", "--data-dir", restored.toString());
        assertThat(after.exitCode()).as(after.stderr()).isZero();
    }

    /** {@code safelight backup} as an operator runs it: another JVM beside the server's, with no lock. */
    private Cli.Result backupInItsOwnProcess(Path data, Path backup) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.safelight.cli.Main", "backup", "--data-dir",
                data.toString(), "-o", backup.toString());
        pb.environment().keySet().removeIf(name -> name.startsWith("SAFELIGHT_"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = dir.resolve("backup.out");
        Path err = dir.resolve("backup.err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the backup finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Cli.Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }

    private static List<ReportLoad.User> users(List<ReportLoad.Acked> acked) {
        return acked.stream().map(ReportLoad.Acked::owner).distinct().toList();
    }

    /** package.encrypted of a .picsafe file. */
    private static byte[] encrypted(byte[] picsafe) throws java.io.IOException {
        try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(picsafe))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("package.encrypted")) {
                    return zip.readAllBytes();
                }
            }
        }
        throw new AssertionError("no package.encrypted in the downloaded report");
    }

    private static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Accounts, keys and cloud on SQLite in {@code data}; {@code publicUrl} null: its own address. */
    static SafelightServer start(Path data, URI publicUrl) throws Exception {
        ServeConfig.Cloud cloud = new ServeConfig.Cloud(new UploadLimits(2L << 20, 0, 100_000), "folder", null, "", "",
                "", "");
        return Ports.onFreePort(port -> SafelightServer.start(new ServeConfig(data, "127.0.0.1", port,
                Set.copyOf(ROLES), org.safelight.server.db.Database.sqliteUrl(data), null, null, null,
                publicUrl != null ? publicUrl : URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 100_000, cloud, List.of(),
                TrustedProxies.NONE), Clock.systemUTC()));
    }
}
