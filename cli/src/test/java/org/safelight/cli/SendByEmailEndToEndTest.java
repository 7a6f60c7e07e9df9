package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

/**
 * {@code safelight send FILE --to email:ADDRESS}: through a real SMTP server (GreenMail), or saved as
 * an {@code .eml} file read back with Jakarta Mail; a real accounts and key server records the send.
 */
class SendByEmailEndToEndTest {
    private static final String MAILBOX = "picsafe@hospital.example";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("ada-relay", "relay-secret"));

    @TempDir
    Path dir;

    private SafelightServer server;
    private String url;
    private TestUsers users;
    private Path report;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys"), null);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        report = users.seal("ada", Fixtures.draft(dir.resolve("draft")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String id() {
        return report.getFileName().toString().replace(".picsafe", "");
    }

    private Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(users.env("ada"));
        env.putAll(more);
        return env;
    }

    private static Part attachment(MimeMessage m) throws Exception {
        Multipart parts = (Multipart) m.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            if (Part.ATTACHMENT.equalsIgnoreCase(parts.getBodyPart(i).getDisposition())) {
                return parts.getBodyPart(i);
            }
        }
        throw new AssertionError("no attachment");
    }

    private static String text(MimeMessage m) throws Exception {
        return (String) ((Multipart) m.getContent()).getBodyPart(0).getContent();
    }

    private static byte[] bytes(Part p) throws Exception {
        try (InputStream in = p.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private void assertCarriesTheReport(MimeMessage m) throws Exception {
        assertThat(m.getFrom()[0].toString()).isEqualTo("ada@hospital.example");
        assertThat(m.getRecipients(jakarta.mail.Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly(MAILBOX);
        assertThat(m.getSubject()).contains(id());
        assertThat(text(m)).contains(id() + ".picsafe", "safelight open " + id() + ".picsafe", url)
                .doesNotContain("Quill", "MRN-204817");
        Part file = attachment(m);
        assertThat(file.getFileName()).isEqualTo(id() + ".picsafe");
        assertThat(bytes(file)).isEqualTo(Files.readAllBytes(report));
    }

    @Test
    void through_smtp_the_email_carries_the_sealed_report_and_how_to_open_it() throws Exception {
        Cli.Result sent = Cli.runWithEnv(env(Map.of("SAFELIGHT_SMTP_PASSWORD", "relay-secret")),
                "send", report.toString(), "--to", "email:" + MAILBOX, "--smtp-host", "127.0.0.1",
                "--smtp-port", Integer.toString(SMTP.getSmtp().getPort()), "--smtp-user", "ada-relay",
                "--smtp-starttls", "false");

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(sent.out()).contains("Sent report " + id() + " by email to " + MAILBOX);
        assertThat(SMTP.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage received = SMTP.getReceivedMessages()[0];
        assertCarriesTheReport(received);
        assertThat(received.getHeader("X-Unsent")).isNull();
    }

    @Test
    void the_smtp_settings_also_come_from_the_environment() throws Exception {
        Cli.Result sent = Cli.runWithEnv(env(Map.of("SAFELIGHT_SMTP_HOST", "127.0.0.1",
                        "SAFELIGHT_SMTP_PORT", Integer.toString(SMTP.getSmtp().getPort()),
                        "SAFELIGHT_SMTP_USER", "ada-relay", "SAFELIGHT_SMTP_PASSWORD", "relay-secret",
                        "SAFELIGHT_SMTP_STARTTLS", "false")),
                "send", report.toString(), "--to", "email:" + MAILBOX);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(SMTP.waitForIncomingEmail(10_000, 1)).isTrue();
        assertCarriesTheReport(SMTP.getReceivedMessages()[0]);
    }

    @Test
    void an_smtp_server_that_refuses_the_sign_in_is_one_line_and_nothing_is_recorded() throws Exception {
        Cli.Result refused = Cli.runWithEnv(env(Map.of("SAFELIGHT_SMTP_PASSWORD", "wrong")),
                "send", report.toString(), "--to", "email:" + MAILBOX, "--smtp-host", "127.0.0.1",
                "--smtp-port", Integer.toString(SMTP.getSmtp().getPort()), "--smtp-user", "ada-relay",
                "--smtp-starttls", "false");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr().lines().toList()).hasSize(1);
        assertThat(refused.stderr()).contains("did not take the email", "nothing was sent").doesNotContain("wrong");
        assertThat(sends()).isEmpty();
    }

    @Test
    void without_smtp_the_email_is_saved_as_an_eml_file_a_mail_program_opens_ready_to_send() throws Exception {
        Path eml = dir.resolve("out").resolve("to-hospital.eml");

        Cli.Result saved = users.run("ada", "send", report.toString(), "--to", "email:" + MAILBOX, "-o", eml.toString());

        assertThat(saved.exitCode()).as(saved.stderr()).isZero();
        assertThat(saved.out()).contains("Saved the email to " + eml, "nothing was sent yet");
        MimeMessage read;
        try (InputStream in = Files.newInputStream(eml)) {
            read = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        assertCarriesTheReport(read);
        assertThat(read.getHeader("X-Unsent")).containsExactly("1");
        try (Stream<Path> left = Files.list(eml.getParent())) {
            assertThat(left).containsExactly(eml);
        }

        Cli.Result again = users.run("ada", "send", report.toString(), "--to", "email:" + MAILBOX, "-o", eml.toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("already exists");
    }

    @Test
    void the_send_is_recorded_for_my_reports_with_the_address() throws Exception {
        Path eml = dir.resolve("r.eml");
        assertThat(users.run("ada", "send", report.toString(), "--to", "email:" + MAILBOX, "-o", eml.toString())
                .exitCode()).isZero();

        JsonNode sends = sends();
        assertThat(sends).hasSize(1);
        assertThat(sends.get(0).path("channel").asText()).isEqualTo("email");
        assertThat(sends.get(0).path("recipient").asText()).isEqualTo(MAILBOX);
    }

    @Test
    void a_plain_report_does_not_go_by_email_and_a_malformed_address_is_a_usage_error() throws Exception {
        Path out = dir.resolve("plain");
        assertThat(users.run("ada", "seal", dir.resolve("draft").toString(), "-o", out + "/", "--plain").exitCode())
                .isZero();
        Path plain;
        try (Stream<Path> files = Files.list(out)) {
            plain = files.findFirst().orElseThrow();
        }

        Cli.Result refused = users.run("ada", "send", plain.toString(), "--to", "email:" + MAILBOX,
                "-o", dir.resolve("p.eml").toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("only a sealed report", "seal it first");
        assertThat(dir.resolve("p.eml")).doesNotExist();

        Cli.Result badAddress = users.run("ada", "send", report.toString(), "--to",
                "email:IT <it@hospital.example>, other@x.example");
        assertThat(badAddress.exitCode()).isEqualTo(2);
        assertThat(badAddress.stderr()).contains("is not one email address");
    }

    private JsonNode sends() throws IOException, InterruptedException {
        String ada = new CloudHttp(url).token("ada", "ada@hospital.example");
        JsonNode mine = CloudHttp.json(new CloudHttp(url).get("/api/v1/accounts/me/reports", ada).body())
                .path("reports");
        return mine.isEmpty() ? mine : mine.get(0).path("sends");
    }
}
