package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.activation.DataHandler;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.Senders;

/** A message is read by UID in parts of 1 MiB and taken apart from a temporary copy, which goes. */
class ReadByUidTest {
    private static final String LOGIN = "picsafe";
    private static final String PASSWORD = "mailbox-secret";

    @RegisterExtension
    final GreenMailExtension mail = new GreenMailExtension(imaps())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("picsafe@hospital.example", LOGIN, PASSWORD));

    private static ServerSetup[] imaps() {
        ServerSetup setup = ServerSetupTest.IMAPS.dynamicPort();
        setup.setServerStartupTimeout(20_000);
        return new ServerSetup[] {setup};
    }

    @TempDir
    Path spool;

    private List<Path> temporaryCopies() throws Exception {
        try (var files = Files.list(spool)) {
            return files.toList();
        }
    }

    @Test
    void an_attachment_larger_than_one_read_arrives_whole_and_the_temporary_copy_is_deleted() throws Exception {
        byte[] report = new byte[(3 << 20) + 12_345]; // base64 makes the mail about 4.2 MiB: five reads
        new Random(14).nextBytes(report);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom("noor.haddad@example.org");
        message.setRecipients(Message.RecipientType.TO, "picsafe@hospital.example");
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(report, "application/octet-stream")));
        part.setFileName("big.picsafe");
        MimeMultipart multipart = new MimeMultipart();
        multipart.addBodyPart(part);
        message.setContent(multipart);
        message.saveChanges();
        mail.getUserManager().getUser(LOGIN).deliver(message);
        List<byte[]> received = new ArrayList<>();
        Intake capturing = new Intake() {
            @Override
            public Receipt receive(InputStream file, Arrival arrival) throws java.io.IOException {
                received.add(file.readAllBytes());
                return new Receipt("0000000011462800528241abcde", false);
            }
        };
        MailboxSettings settings = new MailboxSettings("imaps", LOGIN, "localhost", mail.getImaps().getPort(), "INBOX",
                PASSWORD, Duration.ofSeconds(60), true, "localhost");

        IMAPStore store = (IMAPStore) Session.getInstance(settings.sessionProperties()).getStore("imaps");
        store.connect("localhost", mail.getImaps().getPort(), LOGIN, PASSWORD);
        MailboxPass.Result result;
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            Folder filed = MailboxPass.target(store, MailboxPass.FILED);
            Folder rejected = MailboxPass.target(store, MailboxPass.REJECTED);
            inbox.open(Folder.READ_WRITE);
            result = new MailboxPass(inbox, filed, rejected, capturing, Senders.anyone(),
                    Clock.fixed(Instant.parse("2026-11-28T14:00:00Z"), ZoneOffset.UTC), MailboxPass.Capabilities.of(store),
                    spool).run(() -> false);
        } finally {
            store.close();
        }

        assertThat(result.filed()).isEqualTo(1);
        assertThat(received).singleElement().isEqualTo(report);
        assertThat(temporaryCopies()).as("no temporary copy left behind").isEmpty();
        assertThat(mail.getManagers().getImapHostManager().getFolder(mail.getUserManager().getUser(LOGIN), "INBOX")
                .getMessages()).isEmpty();
    }
}
