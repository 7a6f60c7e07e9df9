package org.safelight.accounts.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.safelight.accounts.internal.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a server without a mail relay: each message becomes an RFC 822 file
 * {@code DATA_DIR/outbox/<time>-<sequence>-<random>.eml} that the operator can open or forward; names
 * sort in the order the messages were sent. A file
 * appears complete or not at all (written to a hidden temporary name, synced, then renamed), and
 * only its owner may read it, since it holds a live link. The log names the file, never its link.
 * Thread-safe.
 */
public final class OutboxMailer implements Mailer {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxMailer.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path outbox;
    private final InternetAddress from;
    private final Clock clock;
    private final Session session = Session.getInstance(new Properties());
    private final AtomicLong sequence = new AtomicLong();

    /** Messages from {@code Safelight <no-reply@localhost>}, dated by the system clock. */
    public OutboxMailer(Path dataDir) {
        this(dataDir, "Safelight <no-reply@localhost>", Clock.systemUTC());
    }

    public OutboxMailer(Path dataDir, String from, Clock clock) {
        this.outbox = dataDir.resolve("outbox");
        this.from = MimeMessages.address(from);
        this.clock = clock;
    }

    /** The folder the messages go to. */
    public Path outbox() {
        return outbox;
    }

    @Override
    public void send(MailMessage message) {
        Path target = write(() -> MimeMessages.build(session, from, message, clock.instant()));
        LOG.info("mail '{}' written to {}", message.subject(), target);
    }

    @Override
    public void send(ReportMail report) {
        Path target;
        try {
            target = write(() -> MimeMessages.report(session, from, report, clock.instant()));
        } catch (IllegalArgumentException e) {
            throw new MailDeliveryException("an address the mail library does not take", null, true);
        }
        LOG.info("report mail written to {}", target);
    }

    /** A message built when it is written (a report's attachment is streamed from its file then). */
    private interface Build {
        jakarta.mail.internet.MimeMessage message() throws MessagingException;
    }

    private Path write(Build build) {
        try {
            createOutbox();
            String name = STAMP.format(clock.instant()) + "-" + String.format("%06d", sequence.incrementAndGet() % 1_000_000)
                    + "-" + Secrets.shortId() + ".eml";
            Path temporary = outbox.resolve("." + name + ".tmp");
            Path target = outbox.resolve(name);
            try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), ownerOnly("rw-------"))) {
                OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
                build.message().writeTo(out);
                out.flush();
                channel.force(true);
            } catch (IOException | MessagingException | RuntimeException e) {
                Files.deleteIfExists(temporary);
                throw e;
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | MessagingException e) {
            throw new MailDeliveryException("could not write the message into " + outbox, e);
        }
    }

    private void createOutbox() throws IOException {
        if (!Files.isDirectory(outbox)) {
            Files.createDirectories(outbox.getParent());
            try {
                Files.createDirectory(outbox, ownerOnly("rwx------"));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another request created it first
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(permissions))} : new FileAttribute<?>[0];
    }
}
