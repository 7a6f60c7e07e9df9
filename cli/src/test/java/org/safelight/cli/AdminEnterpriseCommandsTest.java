package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

/** {@code safelight admin enterprise list | show | update | attach-reports}, against a real server's storage. */
class AdminEnterpriseCommandsTest {
    @TempDir
    Path dir;

    private SafelightServer server;
    private TestUsers users;
    private String data;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null);
        data = dir.resolve("data").toString();
        users = new TestUsers(dir, dir.resolve("data"), server.url().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Cli.Result admin(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "admin";
        all[1] = "enterprise";
        System.arraycopy(args, 0, all, 2, args.length);
        all[args.length + 2] = "--data-dir";
        all[args.length + 3] = data;
        return Cli.run(all);
    }

    @Test
    void the_operator_lists_shows_and_updates_an_enterprise_and_hears_about_webmail_and_a_missing_admin() {
        Cli.Result created = admin("create", "--name", "Practice", "--admin", "doc@gmail.com", "--domains",
                "gmail.com,practice.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(created.out().lines()).hasSize(1);
        assertThat(created.stderr()).contains("safelight: warning: gmail.com is a webmail domain", "--members",
                "safelight: warning: no account has the address doc@gmail.com");

        Cli.Result updated = admin("update", "practice", "--domains", "practice.example", "--members",
                "doc@gmail.com,locum@outlook.com", "--name", "Riverside Practice");
        assertThat(updated.exitCode()).as(updated.stderr()).isZero();
        assertThat(updated.out()).isEqualTo("Updated Riverside Practice (" + idOf(created) + "): admin doc@gmail.com,"
                + " domains practice.example, 2 listed members.\n");
        assertThat(updated.stderr()).doesNotContain("webmail").contains("no account has the address doc@gmail.com");

        assertThat(admin("list").out()).contains("Riverside Practice (" + idOf(created) + ")");
        Cli.Result show = admin("show", "Riverside Practice");
        assertThat(show.out()).contains("admin:    doc@gmail.com", "domains:  practice.example",
                "members:  doc@gmail.com, locum@outlook.com", "licence:  PRO").doesNotContainPattern("\\d+/\\d+/\\d+");
        Cli.Result none = admin("show", "Nowhere");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr()).contains("no enterprise 'Nowhere'");
        assertThat(admin("update", "Riverside Practice").stderr()).contains("say what to change");
    }

    private static String idOf(Cli.Result created) {
        return created.out().replaceFirst("(?s)Created enterprise (\\S+) .*", "$1");
    }

    @Test
    void reports_sent_before_the_enterprise_existed_are_attached_and_then_synced() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        Fixtures.draft(dir.resolve("draft"));
        Path out = dir.resolve("sealed");
        String url = server.url().toString();
        assertThat(users.run("ada", "seal", dir.resolve("draft").toString(), "-o", out + "/", "--keyserver", url)
                .exitCode()).isZero();
        Path report;
        try (Stream<Path> sealed = Files.list(out)) {
            report = sealed.findFirst().orElseThrow();
        }
        Cli.Result sent = users.run("ada", "send", report.toString(), "--to", "cloud");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();

        Cli.Result created = admin("create", "--name", "Example Hospital", "--admin", "it@hospital.example",
                "--domains", "hospital.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(created.stderr()).contains("1 report its members sent in the last 7 days has no enterprise",
                "safelight admin enterprise attach-reports " + idOf(created));

        Cli.Result attached = admin("attach-reports", "Example Hospital", "--days", "2");
        assertThat(attached.exitCode()).as(attached.stderr()).isZero();
        assertThat(attached.out()).isEqualTo("Attached 1 report of the last 2 days to Example Hospital.\n");
        assertThat(admin("attach-reports", "Example Hospital", "--days", "8").stderr()).contains("1 to 7");

        users.signUpVerifyAndLogIn("it", "it@hospital.example");
        String apiKey = users.run("it", "enterprise", "api-key", "new").out().strip();
        String token = users.run("it", "enterprise", "key-server-token", "new").out().strip();
        Cli.Result sync = Cli.runWithEnv(Map.of("SAFELIGHT_API_KEY", apiKey, "SAFELIGHT_KEY_SERVER_TOKEN", token),
                "sync", "--server", url, "--out", dir.resolve("inbox").toString());
        assertThat(sync.exitCode()).as(sync.stderr()).isZero();
        String id = report.getFileName().toString().replace(".picsafe", "");
        assertThat(sync.out()).contains("Wrote report " + id);
    }
}
