package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.mail.ReportEmail;
import org.safelight.client.mail.SmtpRelay;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/**
 * What {@code safelight send FILE --to email:ADDRESS} writes ({@link ReportEmail}, the same code the
 * CLI runs) is filed by the mailbox intake: sent through SMTP, or saved as an .eml draft and sent
 * from a mail program; both into GreenMail, read over IMAPS.
 */
class SentByEmailIsFiledTest {
    private static final String MAILBOX = "picsafe@hospital.example";
    private static final String ID = "0000000011462800528243abcde";
    private static final Instant NOW = Instant.parse("2026-11-27T23:30:00Z");

    private static ServerSetup[] servers() {
        ServerSetup smtp = ServerSetupTest.SMTP.dynamicPort();
        ServerSetup imaps = ServerSetupTest.IMAPS.dynamicPort();
        smtp.setServerStartupTimeout(20_000);
        imaps.setServerStartupTimeout(20_000);
        return new ServerSetup[] {smtp, imaps};
    }

    @RegisterExtension
    final GreenMailExtension mail = new GreenMailExtension(servers())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(MAILBOX, "picsafe", "mailbox-secret"));

    @TempDir
    Path dir;

    private Database db;
    private StoredReports reports;
    private Path sealed;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabases.sqlite();
        db.migrate("endpoint");
        reports = new StoredReports(db, Clock.fixed(NOW, ZoneOffset.UTC));
        sealed = Files.write(dir.resolve(ID + ".picsafe"),
                TestReports.dynamic(ID, PicsafeWriter.newReportKey(), "https://keys.hospital.example"));
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private MailboxIntake mailbox() throws Exception {
        StoringIntake intake = new StoringIntake(new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()),
                Clock.fixed(NOW, ZoneOffset.UTC)), new EndpointStore(db), 1 << 20, List.of("folder"), () -> { });
        return new MailboxIntake(new MailboxSettings("imaps", "picsafe", "localhost", mail.getImaps().getPort(), "INBOX",
                "mailbox-secret", Duration.ofSeconds(60), true, "localhost"), intake, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private MimeMessage composed(Session session) throws Exception {
        return ReportEmail.compose(session, ReportEmail.address("Ada.Lovelace@hospital.example"),
                ReportEmail.address(MAILBOX), sealed, ID, "https://safelight.example", NOW);
    }

    private void assertFiledFromAda() throws Exception {
        try (MailboxIntake mailbox = mailbox()) {
            MailboxPass.Result pass = mailbox.passOnce();
            assertThat(pass.filed()).as("filed").isEqualTo(1);
            assertThat(pass.rejected()).as("rejected").isZero();
        }
        List<ReceivedReports.ReceivedReport> stored = reports.list(Optional.empty(), Optional.empty(), 10);
        assertThat(stored).singleElement().satisfies(r -> {
            assertThat(r.reportId()).isEqualTo(ID);
            assertThat(r.senderEmail()).isEqualTo("ada.lovelace@hospital.example");
            assertThat(r.kind()).isEqualTo("dynamic");
        });
    }

    @Test
    void an_email_sent_through_smtp_is_filed_by_the_mailbox_intake() throws Exception {
        SmtpRelay relay = new SmtpRelay("localhost", mail.getSmtp().getPort(), null, null, false);

        relay.send(composed(relay.session()));

        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        assertFiledFromAda();
    }

    @Test
    void an_eml_draft_sent_from_a_mail_program_is_filed_by_the_mailbox_intake() throws Exception {
        Path eml = dir.resolve(ID + ".eml");
        ReportEmail.saveDraft(composed(ReportEmail.offline()), eml);
        MimeMessage fromMailProgram;
        try (InputStream in = Files.newInputStream(eml)) {
            fromMailProgram = new MimeMessage(Session.getInstance(new Properties()), in);
        }

        mail.getUserManager().getUser("picsafe").deliver(fromMailProgram);

        assertFiledFromAda();
    }
}
