package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.MessageIDTerm;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.IntakeRefusedException;
import org.safelight.endpoint.intake.Senders;

/**
 * What a pass refuses to do with a message: copy one too large for any report, take apart a copy
 * shorter than the message, leave one flagged {@code \Deleted} without a copy anywhere to be
 * expunged, or keep a temporary copy after the intake failed.
 */
class PassSafeguardsTest {
    private static final String LOGIN = "picsafe";
    private static final String PASSWORD = "mailbox-secret";
    private static final String REPORT_ID = "0000000011462800528200abcde";

    @RegisterExtension
    final GreenMailExtension mail = new GreenMailExtension(imaps())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("picsafe@hospital.example", LOGIN, PASSWORD));

    @TempDir
    Path spool;

    private final List<byte[]> received = new ArrayList<>();
    private final AtomicInteger partsRead = new AtomicInteger();
    /** Added to every size the server states for a message (a server stating RFC822.SIZE inexactly). */
    private long sizeSkew;
    private final java.util.concurrent.atomic.AtomicBoolean shortened = new java.util.concurrent.atomic.AtomicBoolean();

    private static ServerSetup[] imaps() {
        ServerSetup setup = ServerSetupTest.IMAPS.dynamicPort();
        setup.setServerStartupTimeout(20_000);
        return new ServerSetup[] {setup};
    }

    private static MimeMessage message(int i, byte[] report) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<m" + i + "@phone.example>");
            }
        };
        message.setFrom("noor.haddad@example.org");
        message.setRecipients(Message.RecipientType.TO, "picsafe@hospital.example");
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(report, "application/octet-stream")));
        part.setFileName(REPORT_ID + ".picsafe");
        MimeMultipart multipart = new MimeMultipart();
        multipart.addBodyPart(part);
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }

    private static byte[] bytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private void deliver(int i, byte[] report) throws MessagingException {
        mail.getUserManager().getUser(LOGIN).deliver(message(i, report));
    }

    /** Takes every report it is given, up to {@code maxSize}. */
    private Intake capturing(long maxSize) {
        return new Intake() {
            @Override
            public Receipt receive(InputStream file, Arrival arrival) throws IOException {
                received.add(file.readAllBytes());
                return new Receipt(REPORT_ID, false);
            }

            @Override
            public long maxSize() {
                return maxSize;
            }
        };
    }

    private IMAPStore connect() throws MessagingException {
        MailboxSettings settings = new MailboxSettings("imaps", LOGIN, "localhost", mail.getImaps().getPort(), "INBOX",
                PASSWORD, Duration.ofSeconds(60), true, "localhost");
        IMAPStore store = (IMAPStore) Session.getInstance(settings.sessionProperties()).getStore("imaps");
        store.connect("localhost", mail.getImaps().getPort(), LOGIN, PASSWORD);
        return store;
    }

    /**
     * One pass, every part read counted. With {@code keptLines} >= 0 the message's last part is
     * answered short, as a server could: it ends after that many base64 lines of the attachment, so
     * what is left still decodes (to a shorter report).
     */
    private MailboxPass.Result pass(Intake intake, MailboxPass.Capabilities capabilities, int keptLines) throws Exception {
        IMAPStore store = connect();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            Folder filed = MailboxPass.target(store, MailboxPass.FILED);
            Folder rejected = MailboxPass.target(store, MailboxPass.REJECTED);
            inbox.open(Folder.READ_WRITE);
            UidMailbox mailbox = new UidMailbox(inbox, capabilities) {
                @Override
                Header header(long uid) throws MessagingException {
                    Header stated = super.header(uid);
                    return stated == null ? null : new Header(stated.uid(), stated.size() + sizeSkew, stated.fields());
                }

                @Override
                ByteArray part(long uid, long offset, int length) throws MessagingException {
                    partsRead.incrementAndGet();
                    ByteArray part = super.part(uid, offset, length);
                    if (part == null || part.getCount() == 0 || part.getCount() == length || keptLines < 0
                            || shortened.getAndSet(true)) {
                        return part; // only the first short part is cut shorter still
                    }
                    String text = new String(part.getBytes(), part.getStart(), part.getCount(), StandardCharsets.ISO_8859_1);
                    int body = text.indexOf("\r\n\r\n", text.indexOf("filename=")) + 4;
                    return new ByteArray(part.getBytes(), part.getStart(), body + 78 * keptLines);
                }
            };
            return new MailboxPass(mailbox, inbox, filed, rejected, intake, Senders.anyone(),
                    Clock.fixed(Instant.parse("2026-11-28T15:00:00Z"), ZoneOffset.UTC), spool).run(() -> false);
        } finally {
            store.close();
        }
    }

    private List<String> folder(String name) {
        MailFolder folder = mail.getManagers().getImapHostManager()
                .getFolder(mail.getUserManager().getUser(LOGIN), name);
        return folder == null ? List.of() : folder.getMessages().stream().map(PassSafeguardsTest::messageId)
                .filter(id -> id != null).sorted().toList();
    }

    private static String messageId(StoredMessage m) {
        try {
            return m.getMimeMessage().getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Path> temporaryCopies() throws IOException {
        try (var files = Files.list(spool)) {
            return files.toList();
        }
    }

    @Test
    void a_report_of_the_largest_size_mailed_in_base64_fits_under_the_mail_limit() throws Exception {
        int maxSize = 3 << 20;
        ByteArrayOutputStream mailed = new ByteArrayOutputStream();
        message(0, bytes(maxSize)).writeTo(mailed);
        assertThat((long) mailed.size()).isGreaterThan(maxSize * 4L / 3).isLessThanOrEqualTo(MailboxPass.largestMail(maxSize));
        assertThat(MailboxPass.largestMail(Long.MAX_VALUE)).as("no limit stays no limit").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void a_mail_larger_than_any_report_the_intake_takes_is_rejected_before_its_body_is_copied() throws Exception {
        deliver(0, bytes((1 << 20) + 1000)); // about 1.4 MiB mailed; a 64 KiB report at most fits in 1.1 MiB
        MailboxPass.Result result = pass(capturing(64 * 1024), MailboxPass.Capabilities.ALL, -1);

        assertThat(result.rejected()).isEqualTo(1);
        assertThat(partsRead).as("no part of the body read").hasValue(0);
        assertThat(temporaryCopies()).as("nothing spooled").isEmpty();
        assertThat(received).isEmpty();
        assertThat(folder("INBOX")).isEmpty();
        assertThat(folder("Rejected")).as("the mail and its note").contains("<m0@phone.example>");
        String note = mail.getManagers().getImapHostManager().getFolder(mail.getUserManager().getUser(LOGIN), "Rejected")
                .getMessages().stream().map(m -> {
                    try {
                        return new String(m.getMimeMessage().getInputStream().readAllBytes());
                    } catch (MessagingException | IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).filter(s -> s.contains("too_large")).findFirst().orElse("");
        assertThat(note).as("the note beside it gives the reason").contains("too_large");
    }

    @Test
    void a_part_answered_short_is_continued_and_the_whole_report_is_filed() throws Exception {
        byte[] report = bytes(20_000);
        deliver(0, report);
        MailboxPass.Result result = pass(capturing(1 << 20), MailboxPass.Capabilities.ALL, 10);

        assertThat(result.filed()).isEqualTo(1);
        assertThat(received).as("the whole report, not the part before the short answer").hasSize(1);
        assertThat(received.get(0)).isEqualTo(report);
        assertThat(folder("INBOX")).isEmpty();
        assertThat(temporaryCopies()).isEmpty();
    }

    @Test
    void a_server_stating_the_size_inexactly_still_gets_its_mail_filed() throws Exception {
        byte[] report = bytes(20_000);
        deliver(0, report);
        sizeSkew = 145;
        MailboxPass.Result result = pass(capturing(1 << 20), MailboxPass.Capabilities.ALL, -1);

        assertThat(result.filed()).isEqualTo(1);
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).isEqualTo(report);
        assertThat(folder("Filed")).containsExactly("<m0@phone.example>");
    }

    @Test
    void a_message_growing_past_the_limit_while_copied_is_refused_as_too_large() throws Exception {
        deliver(0, bytes(1_200_000)); // about 1.6 MB mailed; the limit for 1,000-byte reports is 1 MiB + 1,404
        sizeSkew = -1_000_000; // the server states a size under the limit; the copy stops once past it
        MailboxPass.Result result = pass(capturing(1_000), MailboxPass.Capabilities.ALL, -1);

        assertThat(result.rejected()).isEqualTo(1);
        assertThat(received).as("nothing handed to the intake").isEmpty();
        assertThat(folder("Rejected")).as("the message and the note beside it").hasSize(2).contains("<m0@phone.example>");
        assertThat(temporaryCopies()).isEmpty();
    }

    @Test
    void a_message_flagged_deleted_but_filed_nowhere_is_filed_and_not_expunged_without_uidplus() throws Exception {
        deliver(0, bytes(2000));
        deliver(1, bytes(3000));
        IMAPStore store = connect();
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.setFlags(inbox.search(new MessageIDTerm("<m0@phone.example>")), new Flags(Flags.Flag.DELETED), true);
            inbox.close(false); // no expunge
        } finally {
            store.close();
        }

        MailboxPass.Result result = pass(capturing(1 << 20), new MailboxPass.Capabilities(false, false), -1);

        assertThat(result.filed()).isEqualTo(2);
        assertThat(folder("Filed")).containsExactly("<m0@phone.example>", "<m1@phone.example>");
        assertThat(folder("INBOX")).isEmpty();
    }

    @Test
    void the_temporary_copy_is_deleted_when_storing_fails_and_the_message_stays() throws Exception {
        deliver(0, bytes(5000));
        List<Integer> copiesMeanwhile = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        Intake failing = (file, arrival) -> {
            copiesMeanwhile.add(temporaryCopies().size());
            for (Path copy : temporaryCopies()) {
                modes.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
            }
            throw new IOException("the disk is full");
        };
        MailboxPass.Result result = pass(failing, MailboxPass.Capabilities.ALL, -1);

        assertThat(result.left()).isEqualTo(1);
        assertThat(copiesMeanwhile).as("the copy existed while the report was read").containsExactly(1);
        assertThat(modes).as("readable by the endpoint alone").containsExactly("rw-------");
        assertThat(temporaryCopies()).isEmpty();
        assertThat(folder("INBOX")).containsExactly("<m0@phone.example>");
    }

    @Test
    void the_temporary_copy_is_deleted_when_the_intake_refuses_the_report() throws Exception {
        deliver(0, bytes(5000));
        List<Integer> copiesMeanwhile = new ArrayList<>();
        Intake refusing = (file, arrival) -> {
            copiesMeanwhile.add(temporaryCopies().size());
            throw new IntakeRefusedException("not_a_report", "the file is not a ZIP");
        };
        MailboxPass.Result result = pass(refusing, MailboxPass.Capabilities.ALL, -1);

        assertThat(result.rejected()).isEqualTo(1);
        assertThat(copiesMeanwhile).containsExactly(1);
        assertThat(temporaryCopies()).isEmpty();
    }
}
