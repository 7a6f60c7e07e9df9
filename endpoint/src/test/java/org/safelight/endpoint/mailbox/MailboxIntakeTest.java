package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.activation.DataHandler;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.mail.ReportEmail;
import org.safelight.endpoint.delivery.FolderDestination;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.pipeline.Backoff;
import org.safelight.endpoint.pipeline.Pipeline;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.StandInKeyServer;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.testing.HostileZips;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.Zips;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/** The mailbox intake against GreenMail's IMAPS server (IDLE and MOVE offered, like Dovecot). */
class MailboxIntakeTest {
    private static final String LOGIN = "picsafe";
    private static final String PASSWORD = "mailbox-secret";
    private static final Instant NOW = Instant.parse("2026-11-27T23:00:00Z");
    private static final String ID_1 = "0000000011462800528241abcde";
    private static final String ID_2 = "0000000011462800528242abcde";

    private static ServerSetup[] smtpAndImaps() {
        ServerSetup[] setups = {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAPS.dynamicPort()};
        for (ServerSetup setup : setups) {
            setup.setServerStartupTimeout(20_000); // two shared cores, many builds
        }
        return setups;
    }

    @RegisterExtension
    final GreenMailExtension mail = new GreenMailExtension(smtpAndImaps())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("picsafe@hospital.example", LOGIN, PASSWORD));

    @TempDir
    Path dir;

    private GreenMailUser user;
    private Database db;
    private StoredReports reports;
    private Intake intake;
    private final Session session = Session.getInstance(new Properties());

    @BeforeEach
    void setUp() throws IOException {
        user = mail.getUserManager().getUser(LOGIN);
        db = TestDatabases.sqlite();
        db.migrate("endpoint");
        reports = new StoredReports(db, Clock.fixed(NOW, ZoneOffset.UTC));
        intake = intakeOver(db);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    /** The endpoint's own intake, storing into {@code database} and the test's data folder. */
    private Intake intakeOver(Database database) throws IOException {
        return new StoringIntake(new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()),
                Clock.fixed(NOW, ZoneOffset.UTC)), new EndpointStore(database), 1 << 20, List.of("folder"), () -> { });
    }

    private List<String> stored() {
        return reports.list(Optional.empty(), Optional.empty(), 100).stream().map(ReceivedReports.ReceivedReport::reportId)
                .sorted().toList();
    }

    private MailboxSettings settings() {
        return new MailboxSettings("imaps", LOGIN, "localhost", mail.getImaps().getPort(), "INBOX", PASSWORD,
                Duration.ofSeconds(60), true, "localhost");
    }

    private MailboxIntake mailbox(MailboxSettings settings) {
        return new MailboxIntake(settings, intake, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static byte[] picsafe(String reportId) throws IOException {
        return TestReports.dynamic(reportId, PicsafeWriter.newReportKey(), "https://keys.hospital.example");
    }

    /** A mail as the app or {@code safelight send --to email:} writes it: text, then the attachments. */
    private MimeMessage message(String messageId, String from, List<byte[]> attachments, List<String> names)
            throws MessagingException {
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(from);
        message.setRecipients(Message.RecipientType.TO, "picsafe@hospital.example");
        message.setSubject("PicSafe report");
        MimeMultipart multipart = new MimeMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Open the attached report with PicSafe.", "UTF-8");
        multipart.addBodyPart(text);
        for (int i = 0; i < attachments.size(); i++) {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachments.get(i), "application/octet-stream")));
            part.setFileName(names.get(i));
            multipart.addBodyPart(part);
        }
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }

    private static void assertCounts(MailboxPass.Result result, int filed, int rejected, int duplicates, int left) {
        assertThat(List.of(result.filed(), result.rejected(), result.duplicates(), result.left()))
                .as("filed, rejected, duplicates, left").containsExactly(filed, rejected, duplicates, left);
    }

    private List<StoredMessage> folder(String name) {
        MailFolder folder = mail.getManagers().getImapHostManager().getFolder(user, name);
        return folder == null ? List.of() : folder.getMessages();
    }

    private static String header(StoredMessage m, String name) {
        try {
            String[] values = m.getMimeMessage().getHeader(name);
            return values == null ? null : values[0];
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(StoredMessage m) {
        try {
            return m.getMimeMessage().getContent().toString();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void within(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void two_reports_in_one_mail_are_both_stored_and_the_message_is_filed() throws Exception {
        user.deliver(message("<two@phone.example>", "Dr Noor Haddad <Noor.Haddad@Example.org>", List.of(picsafe(ID_1), picsafe(ID_2)),
                List.of(ID_1 + ".picsafe", ID_2 + ".PICSAFE")));

        assertCounts(mailbox(settings()).passOnce(), 1, 0, 0, 0);
        assertThat(stored()).containsExactly(ID_1, ID_2);
        assertThat(reports.list(Optional.empty(), Optional.empty(), 10)).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo(Arrival.Source.MAILBOX);
            assertThat(r.senderEmail()).isEqualTo("noor.haddad@example.org");
            assertThat(r.senderVerified()).isFalse();
            assertThat(r.receivedAt()).isEqualTo(NOW);
            assertThat(r.kind()).isEqualTo("dynamic");
        });
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).singleElement().satisfies(m ->
                assertThat(header(m, "Message-ID")).isEqualTo("<two@phone.example>"));
        assertThat(folder("Rejected")).isEmpty();
    }

    @Test
    void a_report_mailed_as_safelight_send_writes_it_is_filed() throws Exception {
        Path sealed = Files.write(dir.resolve(ID_1 + ".picsafe"), picsafe(ID_1));
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "localhost");
        smtp.put("mail.smtp.port", String.valueOf(mail.getSmtp().getPort()));
        Session relay = Session.getInstance(smtp);
        jakarta.mail.Transport.send(ReportEmail.compose(relay, ReportEmail.address("noor.haddad@example.org"),
                ReportEmail.address("picsafe@hospital.example"), sealed, ID_1, "https://safelight.example", NOW));
        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();

        assertCounts(mailbox(settings()).passOnce(), 1, 0, 0, 0);
        assertThat(stored()).containsExactly(ID_1);
        long size = Files.size(sealed);
        assertThat(reports.find(ID_1)).hasValueSatisfying(r -> {
            assertThat(r.senderEmail()).isEqualTo("noor.haddad@example.org");
            assertThat(r.source()).isEqualTo(Arrival.Source.MAILBOX);
            assertThat(r.size()).isEqualTo(size);
        });
        assertThat(folder("Filed")).hasSize(1);
    }

    @Test
    void a_mail_without_a_report_is_rejected_with_a_note_saying_why() throws Exception {
        user.deliver(message("<none@phone.example>", "noor.haddad@example.org", List.of("hello".getBytes()),
                List.of("notes.txt")));

        assertCounts(mailbox(settings()).passOnce(), 0, 1, 0, 0);

        assertThat(stored()).isEmpty();
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).isEmpty();
        List<StoredMessage> rejected = folder("Rejected");
        assertThat(rejected).hasSize(2);
        StoredMessage note = rejected.stream().filter(m -> header(m, RefusalNote.HEADER) != null).findFirst().orElseThrow();
        assertThat(header(note, RefusalNote.HEADER)).isEqualTo("no_report");
        assertThat(header(note, "In-Reply-To")).isEqualTo("<none@phone.example>");
        assertThat(body(note)).contains("no .picsafe attachment").doesNotContain("noor.haddad").doesNotContain("notes.txt");
    }

    @Test
    void a_mail_whose_from_address_the_senders_file_refuses_is_rejected_and_nothing_of_it_is_stored()
            throws Exception {
        Path senders = Files.writeString(dir.resolve("senders"), "# wards\n*@hospital.example\n");
        user.deliver(message("<outside@phone.example>", "Someone <someone@elsewhere.example>", List.of(picsafe(ID_1)),
                List.of(ID_1 + ".picsafe")));
        user.deliver(message("<inside@phone.example>", "Noor <Noor.Haddad@Hospital.Example>", List.of(picsafe(ID_2)),
                List.of(ID_2 + ".picsafe")));

        MailboxIntake mailbox = new MailboxIntake(settings(), intake,
                new org.safelight.endpoint.intake.Senders(senders), Clock.fixed(NOW, ZoneOffset.UTC));
        assertCounts(mailbox.passOnce(), 1, 1, 0, 0);

        assertThat(stored()).containsExactly(ID_2);
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).singleElement().satisfies(m ->
                assertThat(header(m, "Message-ID")).isEqualTo("<inside@phone.example>"));
        StoredMessage note = folder("Rejected").stream().filter(m -> header(m, RefusalNote.HEADER) != null)
                .findFirst().orElseThrow();
        assertThat(header(note, RefusalNote.HEADER)).isEqualTo("sender_not_allowed");
        assertThat(header(note, "In-Reply-To")).isEqualTo("<outside@phone.example>");
        assertThat(body(note)).contains("the message: refused, sender_not_allowed").doesNotContain("elsewhere.example");
    }

    @Test
    void a_mail_without_a_from_address_is_refused_when_a_senders_file_is_in_force() throws Exception {
        Path senders = Files.writeString(dir.resolve("senders"), "*@hospital.example\n");
        String noFrom = "To: picsafe@hospital.example\r\nSubject: x\r\nMessage-ID: <nofrom@phone.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
        user.deliver(new MimeMessage(session, new java.io.ByteArrayInputStream(noFrom.getBytes(StandardCharsets.US_ASCII))));

        assertCounts(new MailboxIntake(settings(), intake, new org.safelight.endpoint.intake.Senders(senders),
                Clock.fixed(NOW, ZoneOffset.UTC)).passOnce(), 0, 1, 0, 0);
        assertThat(folder("Rejected").stream().map(m -> header(m, RefusalNote.HEADER))).contains("sender_not_allowed");
    }

    @Test
    void a_hostile_attachment_is_refused_and_the_message_rejected_while_the_good_report_beside_it_is_stored()
            throws Exception {
        byte[] hostile = HostileZips.splitView(picsafe(ID_2), Zips.create().add("metadata.json", "{}").bytes());
        user.deliver(message("<mixed@phone.example>", "noor.haddad@example.org", List.of(picsafe(ID_1), hostile),
                List.of(ID_1 + ".picsafe", ID_2 + ".picsafe")));

        assertCounts(mailbox(settings()).passOnce(), 0, 1, 0, 0);

        assertThat(stored()).containsExactly(ID_1);
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).isEmpty();
        StoredMessage note = folder("Rejected").stream().filter(m -> header(m, RefusalNote.HEADER) != null)
                .findFirst().orElseThrow();
        assertThat(header(note, RefusalNote.HEADER)).isEqualTo("unsafe_zip");
        assertThat(body(note)).contains("attachment 1: stored as report " + ID_1)
                .contains("attachment 2: refused, unsafe_zip");
    }

    @Test
    void a_message_forwarded_as_an_attachment_is_not_looked_into_and_is_rejected() throws Exception {
        MimeMessage original = message("<inner@phone.example>", "noor.haddad@example.org", List.of(picsafe(ID_1)),
                List.of(ID_1 + ".picsafe"));
        MimeMessage forward = message("<outer@desk.example>", "ward4b@hospital.example", List.of(), List.of());
        MimeMultipart multipart = (MimeMultipart) forward.getContent();
        MimeBodyPart attached = new MimeBodyPart();
        attached.setContent(original, "message/rfc822");
        multipart.addBodyPart(attached);
        forward.setContent(multipart);
        forward.saveChanges();
        user.deliver(forward);

        assertCounts(mailbox(settings()).passOnce(), 0, 1, 0, 0);
        assertThat(stored()).isEmpty();
        assertThat(folder("Rejected").stream().map(m -> header(m, RefusalNote.HEADER))).contains("no_report");
    }

    @Test
    void a_message_the_server_cannot_take_apart_does_not_keep_the_next_one_from_being_filed() throws Exception {
        String broken = "From: a@example.org\r\nTo: picsafe@hospital.example\r\nSubject: x\r\n"
                + "Message-ID: <broken@phone.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"nowhere\"\r\n\r\nno parts at all\r\n";
        user.deliver(new MimeMessage(session, new java.io.ByteArrayInputStream(broken.getBytes(StandardCharsets.US_ASCII))));
        user.deliver(message("<good@phone.example>", "a@example.org", List.of(picsafe(ID_1)), List.of("a.picsafe")));

        assertCounts(mailbox(settings()).passOnce(), 1, 0, 0, 1);

        assertThat(folder("INBOX")).singleElement().satisfies(m ->
                assertThat(header(m, "Message-ID")).isEqualTo("<broken@phone.example>"));
        assertThat(stored()).containsExactly(ID_1);
        assertThat(folder("Filed")).singleElement().satisfies(m ->
                assertThat(header(m, "Message-ID")).isEqualTo("<good@phone.example>"));
    }

    @Test
    void a_report_over_the_size_limit_is_rejected_as_too_large() throws Exception {
        byte[] big = TestReports.dynamic(ID_1, PicsafeWriter.newReportKey(), "https://keys.hospital.example");
        byte[] padded = java.util.Arrays.copyOf(big, (1 << 20) + 1); // past the test intake's 1 MiB limit
        user.deliver(message("<big@phone.example>", "noor.haddad@example.org", List.of(padded),
                List.of(ID_1 + ".picsafe")));

        assertCounts(mailbox(settings()).passOnce(), 0, 1, 0, 0);
        assertThat(stored()).isEmpty();
        StoredMessage note = folder("Rejected").stream().filter(m -> header(m, RefusalNote.HEADER) != null)
                .findFirst().orElseThrow();
        assertThat(header(note, RefusalNote.HEADER)).isEqualTo("too_large");
    }

    @Test
    void a_message_delivered_twice_is_filed_once() throws Exception {
        MimeMessage twice = message("<twice@phone.example>", "noor.haddad@example.org", List.of(picsafe(ID_1)),
                List.of(ID_1 + ".picsafe"));
        user.deliver(twice);
        user.deliver(twice);

        assertCounts(mailbox(settings()).passOnce(), 1, 0, 1, 0);

        assertThat(stored()).containsExactly(ID_1);
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).hasSize(1);
    }

    @Test
    void a_message_copied_to_filed_before_a_crash_is_not_filed_again() throws Exception {
        MimeMessage message = message("<crash@phone.example>", "noor.haddad@example.org", List.of(picsafe(ID_1)),
                List.of(ID_1 + ".picsafe"));
        user.deliver(message);
        // The state a server without MOVE leaves after a crash between the copy and the delete.
        try (Store store = imapClient()) {
            Folder filed = store.getFolder("Filed");
            filed.create(Folder.HOLDS_MESSAGES);
            filed.appendMessages(new Message[] {message});
        }

        assertCounts(mailbox(settings()).passOnce(), 0, 0, 1, 0);

        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).hasSize(1);
        assertThat(stored()).containsExactly(ID_1);
    }

    @Test
    void a_report_that_cannot_be_stored_leaves_its_message_for_the_next_pass() throws Exception {
        user.deliver(message("<later@phone.example>", "noor.haddad@example.org", List.of(picsafe(ID_1)),
                List.of(ID_1 + ".picsafe")));
        Database broken = TestDatabases.sqlite();
        broken.migrate("endpoint");
        Intake failing = intakeOver(broken);
        broken.close(); // its database is gone: storing fails with an IOException

        assertCounts(new MailboxIntake(settings(), failing, Clock.fixed(NOW, ZoneOffset.UTC)).passOnce(), 0, 0, 0, 1);
        assertThat(folder("INBOX")).hasSize(1);
        assertThat(folder("Filed")).isEmpty();
        assertThat(folder("Rejected")).isEmpty();

        assertCounts(mailbox(settings()).passOnce(), 1, 0, 0, 0);
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Filed")).hasSize(1);
        assertThat(stored()).containsExactly(ID_1);
    }

    @Test
    void the_worker_files_a_mail_as_it_arrives_through_idle_without_waiting_for_the_poll_interval() throws Exception {
        user.deliver(message("<first@phone.example>", "a@example.org", List.of(picsafe(ID_1)), List.of("a.picsafe")));
        try (MailboxIntake worker = mailbox(settings())) { // polls only every 60 s
            worker.start();
            within(Duration.ofSeconds(20), () -> folder("Filed").size() == 1, "the first mail filed");
            user.deliver(message("<second@phone.example>", "a@example.org", List.of(picsafe(ID_2)), List.of("b.picsafe")));
            within(Duration.ofSeconds(20), () -> folder("Filed").size() == 2, "the second mail filed through IDLE");
        }
        assertThat(stored()).containsExactly(ID_1, ID_2);
    }

    @Test
    void without_idle_the_worker_polls_the_folder() throws Exception {
        try (MailboxIntake worker = mailbox(settings().withPollInterval(Duration.ofMillis(200), false))) {
            worker.start();
            user.deliver(message("<polled@phone.example>", "a@example.org", List.of(picsafe(ID_1)), List.of("a.picsafe")));
            within(Duration.ofSeconds(20), () -> folder("Filed").size() == 1, "the mail filed by polling");
        }
    }

    @Test
    void stopping_ends_a_waiting_idle_at_once() throws Exception {
        MailboxIntake worker = mailbox(settings());
        worker.start();
        user.deliver(message("<first@phone.example>", "a@example.org", List.of(picsafe(ID_1)), List.of("a.picsafe")));
        within(Duration.ofSeconds(20), () -> folder("Filed").size() == 1, "the first mail filed");
        long started = System.nanoTime();
        worker.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void a_wrong_password_is_a_failure_of_the_pass_not_a_lost_message() throws Exception {
        user.deliver(message("<kept@phone.example>", "a@example.org", List.of(picsafe(ID_1)), List.of("a.picsafe")));
        MailboxSettings wrong = new MailboxSettings("imaps", LOGIN, "localhost", mail.getImaps().getPort(), "INBOX",
                "not-the-password", Duration.ofSeconds(60), true, "localhost");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mailbox(wrong).passOnce())
                .isInstanceOf(MessagingException.class);
        assertThat(folder("INBOX")).hasSize(1);
    }

    private Store imapClient() throws MessagingException {
        Properties props = new Properties();
        props.put("mail.imaps.ssl.trust", "localhost");
        props.put("mail.imaps.ssl.checkserveridentity", "false");
        Store store = Session.getInstance(props).getStore("imaps");
        store.connect("localhost", mail.getImaps().getPort(), LOGIN, PASSWORD);
        return store;
    }

    @Test
    void a_plain_a_dynamic_and_a_static_report_mailed_to_the_endpoint_are_filed_in_the_folder() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String id3 = "0000000011462800528243abcde";
        KeyPair institution = Keys.rsa();
        java.nio.file.Path keys = Files.createDirectories(dir.resolve("private-keys"));
        Keys.writePrivatePem(institution, keys.resolve("current.pem"));
        try (StandInKeyServer keyServer = new StandInKeyServer()) {
            keyServer.key(ID_2, "k3y");
            user.deliver(message("<three@phone.example>", "noor@example.org", List.of(TestReports.plain(ID_1),
                    TestReports.dynamic(ID_2, "k3y", keyServer.url()),
                    TestReports.forInstitution(id3, institution.getPublic())),
                    List.of(ID_1 + ".picsafe", ID_2 + ".picsafe", id3 + ".picsafe")));
            assertCounts(mailbox(settings()).passOnce(), 1, 0, 0, 0);

            ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock);
            Pipeline pipeline = new Pipeline(
                    new EndpointStore(db), files,
                    new ReportOpening(files, List.of(URI.create(keyServer.url())),
                            "enterprise-key-server-token", keys, clock),
                    List.of(new FolderDestination(dir.resolve("filed"), clock)),
                    new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), 8, () -> 0.5),
                    Duration.ofMinutes(10), Duration.ofDays(30), dir.resolve("work"), clock);
            assertThat(pipeline.drain()).isEqualTo(3);
        }
        for (String id : List.of(ID_1, ID_2, id3)) {
            assertThat(reports.find(id).orElseThrow().state()).as(id).isEqualTo("delivered");
            assertThat(dir.resolve("filed/" + id + "/report.pdf")).hasContent("%PDF-1.7 a report of " + id);
            assertThat(dir.resolve("filed/" + id + "/report.json")).exists();
        }
    }
}
