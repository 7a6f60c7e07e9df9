package org.safelight.cli;

import org.safelight.server.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;

/**
 * A member of an enterprise seals with the key server and sends to the cloud; the enterprise's IT
 * syncs with its API key and Key Server Token into a folder. Real server (accounts, keys, cloud on
 * SQLite) with a clock the test moves, driven through the CLI.
 */
class SendAndSyncEndToEndTest {
    private static final String SMS = "sms:+61 400 123 456";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private SafelightServer server;
    private String url;
    private TestUsers users;
    private String apiKey;
    private String token;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null,
                ServeConfig.Cloud.DEFAULTS, clock);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        // The enterprise first, so that its members' tokens carry it when they seal.
        Cli.Result created = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example", "--domains", "hospital.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        users.signUpVerifyAndLogIn("it", "it@hospital.example");
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        apiKey = users.run("it", "enterprise", "api-key", "new").out().lines().findFirst().orElseThrow();
        token = users.run("it", "enterprise", "key-server-token", "new").out().lines().findFirst().orElseThrow();
        Fixtures.draft(dir.resolve("draft"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path seal() throws IOException {
        Path out = dir.resolve("sent-" + System.nanoTime());
        Cli.Result seal = users.run("ada", "seal", dir.resolve("draft").toString(), "-o", out + "/", "--keyserver", url);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sent = Files.list(out)) {
            return sent.findFirst().orElseThrow();
        }
    }

    private static String id(Path report) {
        return report.getFileName().toString().replace(".picsafe", "");
    }

    private Cli.Result send(Path report, String to) {
        return users.run("ada", "send", report.toString(), "--to", to);
    }

    /** The IT's sync, secrets from the environment as a scheduled job would have them. */
    private Cli.Result sync(Path out) {
        return Cli.runWithEnv(Map.of("SAFELIGHT_API_KEY", apiKey, "SAFELIGHT_KEY_SERVER_TOKEN", token),
                "sync", "--server", url, "--out", out.toString());
    }

    private static List<String> folders(Path out) throws IOException {
        try (Stream<Path> entries = Files.list(out)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void a_sent_report_is_synced_decrypted_into_its_folder_once() throws Exception {
        Path report = seal();

        Cli.Result sent = send(report, SMS);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        List<String> lines = sent.out().lines().toList();
        String link = lines.get(0);
        assertThat(link).startsWith(url.replace("127.0.0.1", "localhost") + "/app/report/AU/")
                .endsWith("-" + id(report));
        assertThat(lines.get(2)).isEqualTo("Please tap the link below (valid for 7 days) to view a Safelight report"
                + " containing 1 photo and 1 video.");
        assertThat(lines.get(4)).isEqualTo(link);
        String sms = lines.get(6);
        assertThat(sms).startsWith("sms:+61400123456?&body=");
        assertThat(URLDecoder.decode(sms.substring(sms.indexOf("body=") + 5), StandardCharsets.UTF_8))
                .isEqualTo(lines.get(2) + "\n\n" + link);

        Path out = dir.resolve("inbox");
        Cli.Result first = sync(out);
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.out()).contains("Wrote report " + id(report), "1 new").doesNotContain(apiKey, token);
        assertThat(folders(out)).contains(id(report), ".safelight-sync");
        assertThat(out.resolve(id(report)).resolve("metadata.json")).exists();
        assertThat(out.resolve(id(report)).resolve("report.pdf")).exists();
        assertThat(Files.readString(out.resolve(".safelight-sync"))).contains("\"cursor\"");
        assertThat(folders(out)).noneMatch(n -> n.startsWith(".safelight-staging"));

        Cli.Result again = sync(out);
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.out()).contains("0 new, 0 already there");
        // Without its state the folder is listed from the start again, and what is there is kept.
        Files.delete(out.resolve(".safelight-sync"));
        long written = Files.getLastModifiedTime(out.resolve(id(report)).resolve("metadata.json")).toMillis();
        Cli.Result fresh = sync(out);
        assertThat(fresh.exitCode()).as(fresh.stderr()).isZero();
        assertThat(fresh.out()).contains("0 new, 1 already there");
        assertThat(Files.getLastModifiedTime(out.resolve(id(report)).resolve("metadata.json")).toMillis())
                .isEqualTo(written);

        assertThat(users.run("ada", "keys", "log", id(report)).out()).contains("enterprise:");
    }

    @Test
    void a_revoked_report_is_skipped_with_one_line_and_exit_5_and_the_rest_is_written() throws Exception {
        Path revoked = seal();
        Path kept = seal();
        assertThat(send(revoked, "cloud").exitCode()).isZero();
        assertThat(send(kept, "whatsapp:+61400123456").out()).contains("https://wa.me/61400123456?text=Please%20tap");
        assertThat(users.run("ada", "keys", "revoke", id(revoked)).exitCode()).isZero();

        Path out = dir.resolve("inbox");
        Cli.Result r = sync(out);

        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.errLines()).hasSize(1).first().asString().contains(id(revoked), "report_revoked");
        assertThat(folders(out)).contains(id(kept)).doesNotContain(id(revoked));
        Cli.Result again = sync(out);
        assertThat(again.exitCode()).as("the cursor moved past the revoked report").isZero();
        assertThat(again.stderr()).isEmpty();
    }

    @Test
    void an_expired_link_is_not_synced() throws Exception {
        Path report = seal();
        assertThat(send(report, "cloud").exitCode()).isZero();

        clock.advance(Duration.ofDays(7).plusMinutes(1));
        Path out = dir.resolve("inbox");
        Cli.Result r = sync(out);

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(folders(out)).doesNotContain(id(report));
        assertThat(r.out()).contains("0 new");
    }

    @Test
    void a_report_that_fails_its_integrity_check_is_not_written_and_exits_3() throws Exception {
        Path real = seal();
        // Same report ID and key server, but encrypted with another key: only the HMAC can tell.
        Path plain = dir.resolve("payload.bin");
        Files.write(plain, new byte[4096]);
        Path forged = dir.resolve("forged");
        Files.createDirectories(forged);
        assertThat(Cli.run("encrypt", "--password", "not the report key", plain.toString(),
                forged.resolve("package.encrypted").toString()).exitCode()).isZero();
        Path file = picsafe(id(real), url, forged.resolve("package.encrypted"));
        CloudHttp http = new CloudHttp(url);
        assertThat(http.upload(http.token("ada", "ada@hospital.example"), Files.readAllBytes(file), "").statusCode())
                .isEqualTo(201);

        Path out = dir.resolve("inbox");
        Cli.Result r = sync(out);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1).first().asString().contains(id(real), "integrity");
        assertThat(folders(out)).doesNotContain(id(real)).noneMatch(n -> n.startsWith(".safelight-staging"));
    }

    /** A .picsafe file by hand: package.json naming {@code keyServer}, and the given encrypted package. */
    private Path picsafe(String reportId, String keyServer, Path encrypted) throws IOException {
        Path file = dir.resolve("forged-" + System.nanoTime()).resolve(reportId + ".picsafe");
        Files.createDirectories(file.getParent());
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("package.json"));
            zip.write(("{\"keyserver_url\":\"" + keyServer + "\",\"report_id\":\"" + reportId + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry("package.encrypted"));
            zip.write(Files.readAllBytes(encrypted));
        }
        return file;
    }

    /** The sealed report {@code real} re-wrapped with package.json naming {@code keyServer} instead. */
    private Path withKeyServer(Path real, String keyServer) throws Exception {
        Path opened = Files.createTempDirectory(dir, "unzipped");
        try (var zip = new java.util.zip.ZipInputStream(Files.newInputStream(real))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("package.encrypted")) {
                    Files.copy(zip, opened.resolve("package.encrypted"));
                }
            }
        }
        return picsafe(id(real), keyServer, opened.resolve("package.encrypted"));
    }

    @Test
    void a_report_naming_another_key_server_never_gets_the_token_and_is_skipped() throws Exception {
        Path real = seal();
        // The real report's bytes, but package.json points at a server that would collect the token.
        Path evil = withKeyServer(real, "http://127.0.0.1:9");
        CloudHttp http = new CloudHttp(url);
        assertThat(http.upload(http.token("ada", "ada@hospital.example"), Files.readAllBytes(evil), "").statusCode())
                .isEqualTo(201);

        Cli.Result r = sync(dir.resolve("inbox"));

        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.errLines()).hasSize(1).first().asString().contains(id(real), "untrusted_key_server",
                "--key-server");
        assertThat(users.run("ada", "keys", "log", id(real)).out()).doesNotContain("enterprise:");
    }

    @Test
    void a_report_whose_key_server_is_no_url_is_skipped_and_does_not_stop_the_sync() throws Exception {
        Path real = seal();
        Path hostile = withKeyServer(real, "http://not a url/");
        CloudHttp http = new CloudHttp(url);
        assertThat(http.upload(http.token("ada", "ada@hospital.example"), Files.readAllBytes(hostile), "")
                .statusCode()).isEqualTo(201);
        Path kept = seal();
        assertThat(send(kept, "cloud").exitCode()).isZero();

        Path out = dir.resolve("inbox");
        Cli.Result r = sync(out);

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(4);
        assertThat(r.errLines()).hasSize(1).first().asString().contains(id(real));
        assertThat(folders(out)).contains(id(kept)).doesNotContain(id(real));
        Cli.Result again = sync(out);
        assertThat(again.exitCode()).as("the cursor moved past the hostile report").isZero();
    }

    @Test
    void a_static_key_report_is_counted_and_synced_with_the_institutions_private_key() throws Exception {
        Path[] keys = Fixtures.institutionKeys(dir.resolve("keys"));
        Path out = dir.resolve("sent-static");
        assertThat(Cli.run("seal", dir.resolve("draft").toString(), "-o", out + "/", "--static-key",
                keys[0].toString()).exitCode()).isZero();
        Path report;
        try (Stream<Path> sent = Files.list(out)) {
            report = sent.findFirst().orElseThrow();
        }

        Cli.Result sent = users.run("ada", "send", report.toString(), "--to", "cloud", "--private-key",
                keys[1].toString());
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.out()).contains("containing 1 photo and 1 video.");

        Cli.Result withoutKey = sync(dir.resolve("inbox"));
        assertThat(withoutKey.exitCode()).isEqualTo(2);
        assertThat(withoutKey.errLines()).hasSize(1).first().asString().contains("--private-key");
        Cli.Result withKey = Cli.runWithEnv(Map.of("SAFELIGHT_API_KEY", apiKey, "SAFELIGHT_KEY_SERVER_TOKEN", token),
                "sync", "--server", url, "--out", dir.resolve("inbox2").toString(), "--private-key",
                keys[1].toString());
        assertThat(withKey.exitCode()).as(withKey.stderr()).isZero();
        assertThat(dir.resolve("inbox2").resolve(id(report)).resolve("metadata.json")).exists();
    }

    @Test
    void a_sign_up_whose_address_is_not_confirmed_gets_no_session_and_login_is_refused_with_exit_5()
            throws Exception {
        users.signUp("eve", "eve@hospital.example");

        Cli.Result r = users.run("eve", "login", "--server", url, "--email", "eve@hospital.example");

        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.errLines()).last().asString().startsWith("safelight: refused").contains("email_unverified");
        assertThat(users.run("eve", "whoami").exitCode()).isNotZero();
    }

    @Test
    void bad_usage_is_exit_2_with_one_line_and_nothing_is_uploaded() throws Exception {
        Path report = seal();
        for (String to : List.of("sms:0400123456", "whatsapp:+61-abc", "email:not-an-address", "fax:+61400123456")) {
            Cli.Result r = send(report, to);
            assertThat(r.exitCode()).as(to).isEqualTo(2);
            assertThat(r.errLines()).hasSize(1);
        }
        Cli.Result wrongKey = users.run("ada", "send", report.toString(), "--to", "cloud", "--password", "wrong");
        assertThat(wrongKey.exitCode()).isEqualTo(3);
        Cli.Result noKey = Cli.runWithEnv(Map.of("SAFELIGHT_KEY_SERVER_TOKEN", token), "sync", "--server", url,
                "--out", dir.resolve("inbox").toString());
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.errLines()).hasSize(1).first().asString().contains("--api-key").doesNotContain(token);
        CloudHttp http = new CloudHttp(url);
        assertThat(http.get("/api/v1/accounts/me/reports", http.token("ada", "ada@hospital.example")).body())
                .doesNotContain(id(report));
    }

    @Test
    void without_a_key_the_message_counts_nothing_and_says_so() throws Exception {
        Path report = seal();
        Files.writeString(dir.resolve("data/blacklist"), "*\n"); // the key server now refuses everyone

        Cli.Result sent = send(report, "cloud");

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.out().lines().toList().get(2)).isEqualTo(
                "Please tap the link below (valid for 7 days) to view a Safelight report.");
        assertThat(sent.errLines()).hasSize(1).first().asString().contains("note:", "access_denied");
    }

    @Test
    void an_unreachable_server_stops_the_run_without_moving_the_cursor() throws Exception {
        Path report = seal();
        assertThat(send(report, "cloud").exitCode()).isZero();
        Path out = dir.resolve("inbox");
        server.close();

        Cli.Result down = sync(out);

        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.errLines()).hasSize(1).first().asString().contains("cannot connect");
        assertThat(out.resolve(".safelight-sync")).doesNotExist();
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null,
                ServeConfig.Cloud.DEFAULTS, clock); // for stop()
    }

    @Test
    void with_watch_new_reports_arrive_until_the_sync_is_stopped() throws Exception {
        Path out = dir.resolve("inbox");
        Cli.Result[] result = new Cli.Result[1];
        Thread watcher = new Thread(() -> result[0] = Cli.runWithEnv(Map.of("SAFELIGHT_API_KEY", apiKey,
                "SAFELIGHT_KEY_SERVER_TOKEN", token), "sync", "--server", url, "--out", out.toString(), "--watch",
                "--interval", "1"));
        watcher.start();
        try {
            Path report = seal();
            assertThat(send(report, "cloud").exitCode()).isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // the cursor file is written last, after the report's folder and its line on stdout
            while (!Files.exists(out.resolve(".safelight-sync")) && System.nanoTime() < deadline) {
                Thread.sleep(100); // polling with a deadline: the watcher works on its own schedule
            }
            assertThat(out.resolve(id(report)).resolve("metadata.json")).exists();
        } finally {
            watcher.interrupt();
            watcher.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(watcher.isAlive()).isFalse();
        assertThat(result[0].exitCode()).as(result[0].stderr()).isZero();
        assertThat(result[0].out()).contains("Wrote report");
    }
}
