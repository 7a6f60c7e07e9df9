package org.safelight.endpoint.mailbox;

import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.StoreClosedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.MessageIDTerm;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.IntakeRefusedException;
import org.safelight.endpoint.intake.Senders;
import org.safelight.server.http.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reading of the mailbox's folder: every message in it is taken in turn. Each {@code .picsafe}
 * attachment (at any depth of its multiparts) is streamed into {@link Intake#receive}; only once
 * every one of them has returned is the message moved: to {@code Filed} when all were stored,
 * otherwise to {@code Rejected} with a short note beside it ({@link RefusalNote}). A message
 * without any report is rejected, and so is one whose From address the senders file refuses
 * ({@code sender_not_allowed}), before more than its header is read, and one larger (RFC822.SIZE)
 * than any report the intake takes could make ({@code too_large}, see {@link #largestMail}), before
 * its body is copied. A message whose storing
 * failed ({@link IOException}: the endpoint's disk or database, or the mail connection) stays where
 * it is for the next pass; its reports stored already answer "already received" then.
 *
 * <p>Several endpoint instances may read one mailbox at once. Every command on a message names it
 * by UID ({@link UidMailbox}), so a message another instance moved meanwhile is never mistaken for
 * the next one: it is read, flagged, copied, moved and expunged by UID, and a command on one that is
 * gone does nothing. The message is read by UID into a private temporary file first and taken
 * apart there, so the reports stored are the ones of the message then moved; a copy whose length
 * is not the message's RFC822.SIZE is not taken apart (the message stays for the next pass).
 *
 * <p>The same message is never filed twice: with MOVE, the server moves a message once and says so
 * (COPYUID); the instance that finds it gone counts a duplicate. Before moving, the target folder is
 * also searched for its {@code Message-ID} (with the same size), which catches a crash between a
 * copy and its delete on servers without MOVE, and a message delivered twice; the duplicate is then
 * only removed. Without MOVE, two instances copying one message at the same moment can leave two
 * copies in {@code Filed}, never none; its reports are stored once either way (by report ID).
 */
final class MailboxPass {
    static final String FILED = "Filed";
    static final String REJECTED = "Rejected";
    private static final Logger LOG = LoggerFactory.getLogger(MailboxPass.class);

    private final IMAPFolder inbox;
    private final Folder filed;
    private final Folder rejected;
    private final Intake intake;
    private final Senders senders;
    private final Clock clock;

    /**
     * What one pass did: messages filed, rejected, removed as copies of one filed or rejected
     * already, left for the next pass; and how many messages it saw that are still in the folder.
     */
    public record Result(int filed, int rejected, int duplicates, int left, int remaining) {
        int moved() {
            return filed + rejected + duplicates;
        }
    }

    private enum Outcome { FILED, REJECTED, DUPLICATE, LEFT, GONE }

    /** The extensions the pass uses when the server offers them: MOVE (RFC 6851) and UIDPLUS (RFC 4315). */
    record Capabilities(boolean move, boolean uidplus) {
        static final Capabilities ALL = new Capabilities(true, true);

        static Capabilities of(IMAPStore store) throws MessagingException {
            return new Capabilities(store.hasCapability("MOVE"), store.hasCapability("UIDPLUS"));
        }
    }

    /** Only for taking apart the local copies of messages: no transport, no store. */
    private static final Session LOCAL = Session.getInstance(new Properties());

    /** How the temporary copies of messages are named in the spool folder. */
    static final String SPOOL_PREFIX = "safelight-mail-";

    private final UidMailbox mailbox;
    private final Path spool;

    MailboxPass(IMAPStore store, IMAPFolder inbox, Folder filed, Folder rejected, Intake intake, Senders senders,
                Clock clock, Path spool) throws MessagingException {
        this(inbox, filed, rejected, intake, senders, clock, Capabilities.of(store), spool);
    }

    /**
     * With fewer {@code capabilities} than the server offers (how the pass runs on servers without
     * them), and the folder for the temporary copies of messages.
     */
    MailboxPass(IMAPFolder inbox, Folder filed, Folder rejected, Intake intake, Senders senders, Clock clock,
                Capabilities capabilities, Path spool) {
        this(new UidMailbox(inbox, capabilities), inbox, filed, rejected, intake, senders, clock, spool);
    }

    /** With the commands on the inbox given (tests answer some of them differently). */
    MailboxPass(UidMailbox mailbox, IMAPFolder inbox, Folder filed, Folder rejected, Intake intake, Senders senders,
                Clock clock, Path spool) {
        this.mailbox = mailbox;
        this.spool = spool;
        this.inbox = inbox;
        this.filed = filed;
        this.rejected = rejected;
        this.intake = intake;
        this.senders = senders;
        this.clock = clock;
    }

    /** Opens (creating when missing) the two folders messages are moved to, beside the inbox. */
    static Folder target(IMAPStore store, String name) throws MessagingException {
        Folder[] personal = store.getPersonalNamespaces();
        Folder folder = personal.length > 0 ? personal[0].getFolder(name) : store.getFolder(name);
        // Another instance starting at the same moment may create it first: then it exists after all.
        if (!folder.exists() && !folder.create(Folder.HOLDS_MESSAGES) && !folder.exists()) {
            throw new MessagingException("the mailbox folder '" + name + "' could not be created");
        }
        return folder;
    }

    /** Takes every message now in the folder, until {@code stopping} says to stop between messages. */
    Result run(BooleanSupplier stopping) throws MessagingException {
        int seen = inbox.getMessageCount();
        restoreUnfiled();
        List<Long> uids = mailbox.undeleted();
        int filedCount = 0;
        int rejectedCount = 0;
        int duplicates = 0;
        int left = 0;
        for (long uid : uids) {
            if (stopping.getAsBoolean()) {
                break;
            }
            try {
                switch (take(uid)) {
                    case FILED -> filedCount++;
                    case REJECTED -> rejectedCount++;
                    case DUPLICATE -> duplicates++;
                    case LEFT -> left++;
                    case GONE -> LOG.debug("a message was taken by another endpoint instance first");
                }
            } catch (FolderClosedException | StoreClosedException e) {
                throw e; // the connection is gone: the worker connects again
            } catch (MessagingException e) {
                // This message only: the others are still taken (one bad message never blocks the rest).
                LOG.warn("a message could not be taken ({}); it stays for the next pass", e.getClass().getSimpleName());
                left++;
            }
        }
        Result result = new Result(filedCount, rejectedCount, duplicates, left,
                Math.max(0, seen - filedCount - rejectedCount - duplicates));
        if (result.moved() + left > 0) {
            LOG.info("mailbox pass: {} filed, {} rejected, {} duplicates removed, {} left for the next pass",
                    filedCount, rejectedCount, duplicates, left);
        }
        return result;
    }

    /**
     * A message is flagged {@code \Deleted} here only once a copy of it is in Filed or Rejected. One
     * flagged without such a copy was flagged by something else: an older endpoint version, whose
     * commands by sequence number could hit the wrong message, or a person in a mail program. Left
     * flagged, it would never be taken and, on a server without UIDPLUS, the next EXPUNGE would
     * delete it; so its flag is taken off and this pass takes it. A message without a Message-ID
     * cannot be looked for: it is taken again too (at worst a second copy in Filed, never none).
     */
    private void restoreUnfiled() throws MessagingException {
        int restored = 0;
        for (long uid : mailbox.deleted()) {
            UidMailbox.Header header = mailbox.header(uid);
            String messageId = header == null ? null : header.first("Message-ID");
            if (header != null && (messageId == null || !alreadyIn(filed, messageId, header.size())
                    && !alreadyIn(rejected, messageId, header.size()))) {
                mailbox.undelete(uid);
                restored++;
            }
        }
        if (restored > 0) {
            LOG.warn("{} messages flagged \\Deleted but in neither {} nor {} were unflagged to be taken now",
                    restored, FILED, REJECTED);
        }
    }

    /**
     * The largest mail that can carry a report of the intake's largest size: base64 turns each 57
     * bytes into a line of 76 characters and CRLF (78), plus 1 MiB for headers and the rest of the
     * message. Past it a mail is refused from its RFC822.SIZE, before a byte of its body is copied.
     */
    static long largestMail(long maxReportSize) {
        if (maxReportSize >= Long.MAX_VALUE / 2) {
            return Long.MAX_VALUE;
        }
        return (maxReportSize + 56) / 57 * 78 + (1 << 20);
    }

    private Outcome tooLarge(UidMailbox.Header header) throws MessagingException {
        return reject(header, List.of(RefusalNote.Line.refused(0, ErrorCode.TOO_LARGE.code(),
                "the message is larger than any report this endpoint takes (" + intake.maxSize() + " bytes)")));
    }

    private Outcome take(long uid) throws MessagingException {
        UidMailbox.Header header = mailbox.header(uid);
        if (header == null) {
            return Outcome.GONE;
        }
        String messageId = header.first("Message-ID");
        String from = fromAddress(header);
        if (!senders.allows(from)) {
            // Before the message is read: nothing of a refused sender's message is stored.
            return reject(header, List.of(RefusalNote.Line.refused(0, ErrorCode.SENDER_NOT_ALLOWED.code(),
                    "the endpoint does not take reports from the message's From address")));
        }
        long largest = largestMail(intake.maxSize());
        if (header.size() > largest) {
            // Never copied: a mail of several GB would fill the disk the intake and its database use.
            return tooLarge(header);
        }
        Path copy;
        try {
            copy = Files.createTempFile(spool, SPOOL_PREFIX, ".eml"); // owner-only where the file system has modes
        } catch (IOException e) {
            LOG.warn("a mailed message could not be read ({}); it stays for the next pass", e.getClass().getSimpleName());
            return Outcome.LEFT;
        }
        try {
            long copied;
            try (OutputStream out = Files.newOutputStream(copy)) {
                copied = mailbox.read(uid, out, largest);
            }
            if (copied < 0) {
                return Outcome.GONE;
            }
            if (copied > largest) {
                return tooLarge(header); // the server's stated size was too small: the copy is bounded anyway
            }
            try (SharedFileInputStream in = new SharedFileInputStream(copy.toFile())) {
                return takeReports(new MimeMessage(LOCAL, in), header, from, messageId);
            }
        } catch (IOException e) {
            LOG.warn("a mailed message could not be read or stored ({}); it stays for the next pass",
                    e.getClass().getSimpleName());
            return Outcome.LEFT;
        } finally {
            try {
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                LOG.warn("a temporary copy of a message could not be deleted ({})", e.getClass().getSimpleName());
            }
        }
    }

    private Outcome takeReports(MimeMessage message, UidMailbox.Header header, String from, String messageId)
            throws MessagingException, IOException {
        Arrival arrival = new Arrival(Arrival.Source.MAILBOX, from, false, messageId, clock.instant());
        List<Part> reports = new ArrayList<>();
        collect(message, reports, 0);
        if (reports.isEmpty()) {
            return reject(header, List.of(RefusalNote.Line.refused(0, "no_report",
                    "the message has no .picsafe attachment")));
        }
        List<RefusalNote.Line> lines = new ArrayList<>();
        boolean allStored = true;
        for (int i = 0; i < reports.size(); i++) {
            Part report = reports.get(i);
            try (InputStream in = report.getInputStream()) {
                Intake.Receipt receipt = intake.receive(in, report.getFileName().strip(), arrival);
                lines.add(RefusalNote.Line.stored(i + 1, receipt.reportId()));
            } catch (IntakeRefusedException e) {
                lines.add(RefusalNote.Line.refused(i + 1, e.code(), e.getMessage()));
                allStored = false;
            }
        }
        if (allStored) {
            return move(header, filed) ? Outcome.FILED : Outcome.DUPLICATE;
        }
        return reject(header, lines);
    }

    private Outcome reject(UidMailbox.Header header, List<RefusalNote.Line> lines) throws MessagingException {
        if (!move(header, rejected)) {
            return Outcome.DUPLICATE;
        }
        note(header.first("Message-ID"), lines);
        return Outcome.REJECTED;
    }

    /**
     * The {@code .picsafe} attachments of a part, depth first through multiparts, not descending
     * forever. A message forwarded as an attachment ({@code message/rfc822}) is not looked into:
     * the forwarding person should forward the report itself.
     */
    private static void collect(Part part, List<Part> found, int depth) throws MessagingException {
        if (depth > 8) {
            return;
        }
        try {
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    collect(multipart.getBodyPart(i), found, depth + 1);
                }
            } else {
                String name = part.getFileName();
                if (name != null && name.strip().toLowerCase(Locale.ROOT).endsWith(".picsafe")) {
                    found.add(part);
                }
            }
        } catch (IOException | ClassCastException e) {
            // A structure the mail library cannot take apart holds nothing we can read.
            LOG.debug("a message part could not be read ({})", e.getClass().getSimpleName());
        }
    }

    /**
     * Moves the message to {@code target} unless a message with its Message-ID and size is there
     * already; then it is only removed here. Returns whether this pass moved it (false: a duplicate,
     * or another instance moved it first).
     */
    private boolean move(UidMailbox.Header header, Folder target) throws MessagingException {
        String messageId = header.first("Message-ID");
        if (messageId != null && alreadyIn(target, messageId, header.size())) {
            mailbox.remove(header.uid());
            return false;
        }
        return mailbox.moveTo(header.uid(), target);
    }

    private static boolean alreadyIn(Folder target, String messageId, long size) throws MessagingException {
        target.open(Folder.READ_ONLY);
        try {
            for (Message m : target.search(new MessageIDTerm(messageId))) {
                if (messageId.equals(first(m.getHeader("Message-ID"))) && m.getSize() == size) {
                    return true;
                }
            }
            return false;
        } finally {
            target.close(false);
        }
    }

    private void note(String messageId, List<RefusalNote.Line> lines) {
        try {
            rejected.appendMessages(new Message[] {RefusalNote.of(messageId, lines, clock.instant())});
        } catch (MessagingException e) {
            // The message is in Rejected already; the note only explains it.
            LOG.warn("the note beside a rejected message could not be written ({})", e.getClass().getSimpleName());
        }
    }

    private static String fromAddress(UidMailbox.Header header) {
        String raw = header.fields().getHeader("From", ",");
        InternetAddress[] from;
        try {
            from = raw == null ? null : InternetAddress.parseHeader(raw, false);
        } catch (MessagingException e) {
            return null; // an unparseable From claims nothing
        }
        if (from == null || from.length == 0 || from[0].getAddress() == null) {
            return null;
        }
        // Lower-cased like the addresses of tokens, so a sender's own reports are found by their address.
        return from[0].getAddress().strip().toLowerCase(Locale.ROOT);
    }

    private static String first(String[] values) {
        return values == null || values.length == 0 ? null : values[0].strip();
    }
}
