package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.testing.Outbox;
import org.safelight.cli.serve.SafelightServer;

/** Account recovery from the command line, and what {@code send} tells My reports. Real server, outbox mail. */
class AccountCommandsEndToEndTest {
    @TempDir
    Path dir;

    private SafelightServer server;
    private String url;
    private TestUsers users;
    private Outbox outbox;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        outbox = new Outbox(dir.resolve("data/outbox"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void signup_on_a_terminal_asks_for_the_password_twice() {
        List<String> prompts = new ArrayList<>();
        Cli.Result r = CliMessagesTest.runTyping(Map.of("XDG_CONFIG_HOME", dir.resolve("cfg").toString()),
                new ArrayDeque<>(List.of("correct horse battery", "correct horse battery")), prompts,
                "signup", "--server", url, "--email", "ada@example.org", "--first", "Ada", "--last", "Quill");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(prompts).containsExactly("Choose an account password (10 characters or more): ", "Type it again: ");
        assertThat(outbox.awaitMessagesTo("ada@example.org", 1)).hasSize(1);
    }

    @Test
    void signup_resend_mails_a_new_confirmation_link_and_says_what_next() {
        users.signUp("ada", "ada@example.org");
        String first = outbox.lastLinkTo("ada@example.org");

        Cli.Result r = users.run("ada", "signup", "--resend", "--server", url, "--email", "ada@example.org");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out()).contains("a new link is on its way", "safelight login --server " + url);
        List<jakarta.mail.internet.MimeMessage> mails = outbox.awaitMessagesTo("ada@example.org", 2);
        assertThat(Outbox.linkIn(mails.get(1))).isNotEqualTo(first);
    }

    @Test
    void a_refused_login_names_the_command_that_helps() {
        users.signUp("ada", "ada@example.org");
        Cli.Result unconfirmed = users.run("ada", "login", "--server", url, "--email", "ada@example.org");
        assertThat(unconfirmed.exitCode()).isEqualTo(5);
        assertThat(unconfirmed.errLines()).hasSize(1).first().asString().contains("(email_unverified)")
                .contains("safelight signup --resend --server " + url + " --email ada@example.org");

        Cli.Result wrong = Cli.runWithEnv(Map.of("XDG_CONFIG_HOME", dir.resolve("cfg").toString(),
                "SAFELIGHT_PASSWORD", "not the password at all"), "login", "--server", url, "--email", "ada@example.org");
        assertThat(wrong.exitCode()).isEqualTo(5);
        assertThat(wrong.errLines()).hasSize(1).first().asString()
                .contains("safelight password reset --server " + url + " --email ada@example.org");
    }

    @Test
    void password_reset_mails_a_link_and_says_what_next() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@example.org");

        Cli.Result r = users.run("ada", "password", "reset", "--server", url, "--email", "ada@example.org");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out()).contains("a link to choose a new password is on its way",
                "safelight login --server " + url);
        List<jakarta.mail.internet.MimeMessage> mails = outbox.awaitMessagesTo("ada@example.org", 2); // after the confirmation
        assertThat(Outbox.linkIn(mails.get(1))).contains("/app/reset-password?token=");
    }

    @Test
    void password_reset_without_a_scheme_names_the_url_to_type() {
        Cli.Result r = users.run("ada", "password", "reset", "--server", "safelight.example.org", "--email", "a@b.org");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("e.g. https://safelight.example.org");
    }

    @Test
    void send_records_the_channel_and_recipient_for_my_reports() throws Exception {
        Path report = sealedBy("ada");

        Cli.Result sent = users.run("ada", "send", report.toString(), "--to", "sms:+61 400 123 456");

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.stderr()).doesNotContain("warning");
        CloudHttp http = new CloudHttp(url);
        JsonNode mine = CloudHttp.json(http.get("/api/v1/accounts/me/reports", http.token("ada", "ada@example.org"))
                .body()).path("reports");
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).path("sends").toString()).contains("\"channel\":\"sms\"",
                "\"recipient\":\"+61400123456\"");
    }

    private Path sealedBy(String who) throws Exception {
        users.signUpVerifyAndLogIn(who, who + "@example.org");
        Fixtures.draft(dir.resolve("draft"));
        return users.seal(who, dir.resolve("draft"));
    }
}
