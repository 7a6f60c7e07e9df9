package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.server.db.Database;

/** The whole journey of a sealed report through the real CLI and a real server (SQLite, outbox mail). */
class KeyServerEndToEndTest {
    @TempDir
    Path dir;

    private SafelightServer server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"));
        url = server.url().toString();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Map<String, String> as(String who) {
        return Map.of("XDG_CONFIG_HOME", dir.resolve("home-" + who).toString(), "SAFELIGHT_PASSWORD",
                "correct horse battery " + who);
    }

    private Cli.Result run(String who, String... args) {
        return Cli.runWithEnv(as(who), args);
    }

    private void signUpVerifyAndLogIn(String who, String email) throws Exception {
        Cli.Result signup = run(who, "signup", "--server", url, "--email", email, "--first", who, "--last", "Tester",
                "--title", "Dr", "--country", "AU");
        assertThat(signup.exitCode()).as(signup.stderr()).isZero();
        // the verification link, from the message written to the outbox
        String link = verificationLink(email);
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        Cli.Result login = run(who, "login", "--server", url, "--email", email);
        assertThat(login.exitCode()).as(login.stderr()).isZero();
        assertThat(run(who, "whoami").out()).contains(email).doesNotContain("not verified");
    }

    private String verificationLink(String email) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("data/outbox"))) {
            for (Path eml : files.toList()) {
                String text = Files.readString(eml).replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
                if (text.contains(email)) {
                    Matcher m = Pattern.compile("(http://\\S+/api/v1/accounts/verify\\?token=[A-Za-z0-9_-]+)").matcher(text);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            }
        }
        throw new AssertionError("no verification message for " + email + " in the outbox");
    }

    @Test
    void a_report_travels_from_sender_to_recipient_and_every_opening_is_on_the_record() throws Exception {
        signUpVerifyAndLogIn("alice", "alice@example.org");
        signUpVerifyAndLogIn("bob", "bob@example.org");

        Fixtures.draft(dir.resolve("draft"));
        Cli.Result seal = run("alice", "seal", dir.resolve("draft").toString(), "-o", dir.resolve("sent") + "/",
                "--keyserver", url);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        Path report;
        try (Stream<Path> sent = Files.list(dir.resolve("sent"))) {
            report = sent.findFirst().orElseThrow();
        }
        String reportId = report.getFileName().toString().replace(".picsafe", "");
        assertThat(run("alice", "inspect", report.toString()).out()).contains("key server at " + url);

        Cli.Result open = run("bob", "open", report.toString(), "-o", dir.resolve("bob-opened").toString());
        assertThat(open.exitCode()).as(open.stderr()).isZero();
        assertThat(dir.resolve("bob-opened/report.pdf")).exists();

        Cli.Result log = run("alice", "keys", "log", reportId);
        assertThat(log.exitCode()).as(log.stderr()).isZero();
        assertThat(log.out()).contains("bob@example.org", "key_fetched", "granted");

        assertThat(run("alice", "keys", "revoke", reportId).exitCode()).isZero();
        Cli.Result refused = run("bob", "open", report.toString(), "-o", dir.resolve("bob-again").toString());
        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(refused.errLines()).hasSize(1).first().asString().contains("revoked");
        assertThat(dir.resolve("bob-again")).doesNotExist();
        assertThat(run("bob", "keys", "revoke", reportId).exitCode()).as("only the sender revokes").isEqualTo(5);

        server.close();
        server = null;
        String dataDir = dir.resolve("data").toString();
        Cli.Result verify = Cli.run("audit", "verify", "--data-dir", dataDir);
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        Cli.Result export = Cli.run("audit", "export", "--data-dir", dataDir);
        assertThat(export.out()).contains("key_created", "key_fetched", "report_revoked", "bob@example.org");

        // one character of one event changed behind the server's back
        try (Database db = Database.open(Database.sqliteUrl(dir.resolve("data")))) {
            int changed = db.jdbi().withHandle(h -> h.execute(
                    "UPDATE audit_events SET actor_email = 'bob@example.orh' WHERE actor_email = 'bob@example.org'"
                            + " AND seq = (SELECT MIN(seq) FROM audit_events WHERE actor_email = 'bob@example.org')"));
            assertThat(changed).isEqualTo(1);
        }
        Cli.Result tampered = Cli.run("audit", "verify", "--data-dir", dataDir);
        assertThat(tampered.exitCode()).isEqualTo(3);
        assertThat(tampered.errLines()).hasSize(1).first().asString().contains("does not verify", "event");
    }
}
