package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/**
 * Two endpoint instances on one PostgreSQL and one received-files folder polling one IMAP mailbox
 * at once: every message is filed once, every report stored once, no file left over.
 */
class TwoPollersTest {
    private static final String LOGIN = "picsafe";
    private static final String PASSWORD = "mailbox-secret";
    private static final Instant NOW = Instant.parse("2026-11-27T23:00:00Z");
    private static final int MESSAGES = 12;

    private static ServerSetup[] imaps() {
        ServerSetup setup = ServerSetupTest.IMAPS.dynamicPort();
        setup.setServerStartupTimeout(20_000);
        return new ServerSetup[] {setup};
    }

    @RegisterExtension
    final GreenMailExtension mail = new GreenMailExtension(imaps())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("picsafe@hospital.example", LOGIN, PASSWORD));

    @TempDir
    Path dir;

    private final Database db = TestDatabases.postgres();
    private final Session session = Session.getInstance(new Properties());

    @AfterEach
    void close() {
        db.close();
    }

    /** One instance: its own intake objects over the shared database and folder, its own IMAP connection. */
    private MailboxIntake instance(String name) throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        StoringIntake intake = new StoringIntake(new ReceivedFiles(dir.resolve("received"),
                MasterKey.load(dir, Map.of()), clock), new EndpointStore(db), 1 << 20, List.of("folder"), () -> { });
        return new MailboxIntake(new MailboxSettings("imaps", LOGIN, "localhost", mail.getImaps().getPort(), "INBOX",
                PASSWORD, Duration.ofSeconds(60), true, "localhost"), intake,
                org.safelight.endpoint.intake.Senders.anyone(), clock, dir.resolve(name).resolve("mail-spool"));
    }

    private List<StoredMessage> folder(GreenMailUser user, String name) {
        MailFolder folder = mail.getManagers().getImapHostManager().getFolder(user, name);
        return folder == null ? List.of() : folder.getMessages();
    }

    @Test
    void two_instances_polling_one_mailbox_file_each_message_once_and_store_each_report_once() throws Exception {
        db.migrate("endpoint");
        GreenMailUser user = mail.getUserManager().getUser(LOGIN);
        for (int i = 0; i < MESSAGES; i++) {
            user.deliver(MailedReports.report(session, i));
        }
        List<MailboxIntake> instances = List.of(instance("a"), instance("b"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int filedCounted = 0;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!folder(user, "INBOX").isEmpty()) {
                assertThat(System.nanoTime()).as("the inbox empties").isLessThan(deadline);
                CyclicBarrier together = new CyclicBarrier(instances.size());
                List<Future<MailboxPass.Result>> passes = new ArrayList<>();
                for (MailboxIntake instance : instances) {
                    passes.add(pool.submit(() -> {
                        together.await();
                        return instance.passOnce();
                    }));
                }
                for (Future<MailboxPass.Result> pass : passes) {
                    try {
                        filedCounted += pass.get(60, TimeUnit.SECONDS).filed();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // a pass cut short by the other instance's move is retried by the next one
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> filed = folder(user, "Filed").stream().map(m -> {
            try {
                return m.getMimeMessage().getMessageID();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).sorted().toList();
        assertThat(filed).as("each message filed once").hasSize(MESSAGES).doesNotHaveDuplicates();
        // A pass cut short reports nothing, so fewer may be counted; never more than were moved.
        assertThat(filedCounted).as("messages the passes counted as filed").isLessThanOrEqualTo(MESSAGES);
        assertThat(folder(user, "Rejected")).isEmpty();
        int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM endpoint_reports")
                .mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(MESSAGES);
        try (Stream<Path> files = Files.list(dir.resolve("received"))) {
            assertThat(files.filter(p -> !p.getFileName().toString().startsWith("."))).as("one stored file a report")
                    .hasSize(MESSAGES);
        }
        for (String name : List.of("a", "b")) {
            Path spool = dir.resolve(name).resolve("mail-spool");
            assertThat(Files.getPosixFilePermissions(spool)).as("the spool folder is the endpoint's alone")
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            try (Stream<Path> left = Files.list(spool)) {
                assertThat(left).as("no copy of a message left in " + name + "'s spool").isEmpty();
            }
        }
    }
}
