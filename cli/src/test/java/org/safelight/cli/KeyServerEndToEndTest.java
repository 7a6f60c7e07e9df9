package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
    private TestUsers users;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"));
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Cli.Result run(String who, String... args) {
        return users.run(who, args);
    }

    @Test
    void a_report_travels_from_sender_to_recipient_and_every_opening_is_on_the_record() throws Exception {
        users.signUpVerifyAndLogIn("alice", "alice@example.org");
        users.signUpVerifyAndLogIn("bob", "bob@example.org");

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
