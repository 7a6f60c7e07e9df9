package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.search.MessageIDTerm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.IntakeRefusedException;
import org.safelight.endpoint.intake.Senders;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/**
 * A pass while another endpoint instance files messages from the same inbox, interleaved by hand
 * (no threads, no sleeps): the other instance files the first message while this pass stores its
 * report. The pass's own view of the inbox then still numbers the messages as before; every message
 * must still end in Filed once, with its report stored, and none may be flagged or removed in its place.
 */
class OtherPollerTest {
    private static final String LOGIN = "picsafe";
    private static final String PASSWORD = "mailbox-secret";
    private static final Instant NOW = Instant.parse("2026-11-28T14:00:00Z");
    private static final int MESSAGES = 3;

    @RegisterExtension
    final GreenMailExtension mail = new GreenMailExtension(imaps())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("picsafe@hospital.example", LOGIN, PASSWORD));

    @TempDir
    Path dir;

    private final Session session = Session.getInstance(new Properties());
    private GreenMailUser user;
    private Database db;
    private Intake intake;

    private static ServerSetup[] imaps() {
        ServerSetup setup = ServerSetupTest.IMAPS.dynamicPort();
        setup.setServerStartupTimeout(20_000);
        return new ServerSetup[] {setup};
    }

    @BeforeEach
    void setUp() throws Exception {
        user = mail.getUserManager().getUser(LOGIN);
        db = TestDatabases.sqlite();
        db.migrate("endpoint");
        intake = new StoringIntake(new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()),
                Clock.fixed(NOW, ZoneOffset.UTC)), new EndpointStore(db), 1 << 20, List.of("folder"), () -> { });
        for (int i = 0; i < MESSAGES; i++) {
            user.deliver(MailedReports.report(session, i));
        }
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private MailboxSettings settings() {
        return new MailboxSettings("imaps", LOGIN, "localhost", mail.getImaps().getPort(), "INBOX", PASSWORD,
                Duration.ofSeconds(60), true, "localhost");
    }

    private IMAPStore connect() throws MessagingException {
        IMAPStore store = (IMAPStore) Session.getInstance(settings().sessionProperties()).getStore("imaps");
        store.connect("localhost", mail.getImaps().getPort(), LOGIN, PASSWORD);
        return store;
    }

    /** What the other instance does once it has stored a message's report: files it, with a view of its own. */
    private void otherInstanceFiles(String messageId, boolean moveSupported) throws MessagingException {
        IMAPStore other = connect();
        try {
            IMAPFolder inbox = (IMAPFolder) other.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Message[] found = inbox.search(new MessageIDTerm(messageId));
            assertThat(found).as("the other instance finds " + messageId).hasSize(1);
            Folder filed = MailboxPass.target(other, MailboxPass.FILED);
            if (moveSupported) {
                inbox.moveMessages(found, filed);
            } else {
                inbox.copyMessages(found, filed);
                inbox.setFlags(found, new Flags(Flags.Flag.DELETED), true);
                inbox.expunge(found);
            }
            inbox.close(false);
        } finally {
            other.close();
        }
    }

    /** This instance's intake: stores like the endpoint's, and lets the other instance file the first message meanwhile. */
    private Intake racingWith(boolean moveSupported) {
        return new Intake() {
            private boolean raced;

            @Override
            public Receipt receive(InputStream file, Arrival arrival) throws IntakeRefusedException, IOException {
                Receipt receipt = intake.receive(file, arrival);
                if (!raced) {
                    raced = true;
                    try {
                        otherInstanceFiles(arrival.reference(), moveSupported);
                    } catch (MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return receipt;
            }
        };
    }

    /** One pass over the inbox; {@code messages} how many it takes before it is stopped. */
    private MailboxPass.Result pass(Intake with, MailboxPass.Capabilities capabilities, int messages)
            throws MessagingException {
        IMAPStore store = connect();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            Folder filed = MailboxPass.target(store, MailboxPass.FILED);
            Folder rejected = MailboxPass.target(store, MailboxPass.REJECTED);
            inbox.open(Folder.READ_WRITE);
            int[] asked = {0};
            MailboxPass.Result result = new MailboxPass(inbox, filed, rejected, with, Senders.anyone(),
                    Clock.fixed(NOW, ZoneOffset.UTC), capabilities, dir).run(() -> asked[0]++ >= messages);
            inbox.close(false);
            return result;
        } finally {
            store.close();
        }
    }

    /**
     * This instance takes the first message while the other one files it, and is stopped there (it
     * would be stopped or cut off at any point); then the next pass takes what is left.
     */
    private void racingPassThenAnother(MailboxPass.Capabilities capabilities, boolean otherMoves) throws Exception {
        MailboxPass.Result first = pass(racingWith(otherMoves), capabilities, 1);
        assertThat(List.of(first.filed(), first.duplicates(), first.left()))
                .as("the first pass: filed, duplicates, left").containsExactly(0, 1, 0);
        MailboxPass.Result next = pass(intake, capabilities, Integer.MAX_VALUE);
        assertThat(next.filed()).as("the next pass files the rest").isEqualTo(MESSAGES - 1);
    }

    private List<String> folder(String name) {
        MailFolder folder = mail.getManagers().getImapHostManager().getFolder(user, name);
        return folder == null ? List.of() : folder.getMessages().stream().map(OtherPollerTest::messageId).sorted().toList();
    }

    private static String messageId(StoredMessage m) {
        try {
            return m.getMimeMessage().getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> stored() {
        return new StoredReports(db, Clock.fixed(NOW, ZoneOffset.UTC)).list(Optional.empty(), Optional.empty(), 100)
                .stream().map(ReceivedReports.ReceivedReport::reportId).sorted().toList();
    }

    private void assertEveryMessageFiledOnceWithItsReportStored() {
        assertThat(folder("INBOX")).as("nothing left in the inbox").isEmpty();
        assertThat(folder("Filed")).as("every message filed once")
                .containsExactly("<m0@phone.example>", "<m1@phone.example>", "<m2@phone.example>");
        assertThat(stored()).as("every report stored").containsExactly(
                MailedReports.reportId(0), MailedReports.reportId(1), MailedReports.reportId(2));
    }

    @Test
    void a_message_the_other_instance_files_meanwhile_is_removed_alone_and_the_next_one_is_filed_later()
            throws Exception {
        racingPassThenAnother(MailboxPass.Capabilities.ALL, true);

        assertEveryMessageFiledOnceWithItsReportStored();
    }

    @Test
    void without_move_the_copy_and_the_delete_by_uid_touch_only_the_message_they_mean() throws Exception {
        racingPassThenAnother(new MailboxPass.Capabilities(false, true), false);

        assertEveryMessageFiledOnceWithItsReportStored();
    }

    @Test
    void without_move_nor_uidplus_no_message_is_expunged_in_the_place_of_the_one_filed_meanwhile() throws Exception {
        racingPassThenAnother(new MailboxPass.Capabilities(false, false), false);

        assertEveryMessageFiledOnceWithItsReportStored();
    }
}
