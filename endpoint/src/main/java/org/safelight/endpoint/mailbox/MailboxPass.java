package org.safelight.endpoint.mailbox;

import jakarta.mail.Address;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.search.MessageIDTerm;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * attachment (at any depth of its multiparts) is streamed from the server into
 * {@link Intake#receive}; only once every one of them has returned is the message moved: to
 * {@code Filed} when all were stored, otherwise to {@code Rejected} with a short note beside it
 * ({@link RefusalNote}). A message without any report is rejected, and so is one whose From
 * address the senders file refuses ({@code sender_not_allowed}), before anything of it is read. A message whose storing failed
 * ({@link IOException}: the endpoint's disk or database, or the mail connection) stays where it
 * is for the next pass; its reports stored already answer "already received" then.
 *
 * <p>The same message is never filed twice: before moving, the target folder is searched for its
 * {@code Message-ID} (with the same size), which catches a crash between a copy and its delete on
 * servers without MOVE, and a message delivered twice; the duplicate is then only removed.
 */
final class MailboxPass {
    static final String FILED = "Filed";
    static final String REJECTED = "Rejected";
    private static final Logger LOG = LoggerFactory.getLogger(MailboxPass.class);

    private final IMAPStore store;
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

    private enum Outcome { FILED, REJECTED, DUPLICATE, LEFT }

    MailboxPass(IMAPStore store, IMAPFolder inbox, Folder filed, Folder rejected, Intake intake, Senders senders,
                Clock clock) {
        this.store = store;
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
        if (!folder.exists() && !folder.create(Folder.HOLDS_MESSAGES)) {
            throw new MessagingException("the mailbox folder '" + name + "' could not be created");
        }
        return folder;
    }

    /** Takes every message now in the folder, until {@code stopping} says to stop between messages. */
    Result run(BooleanSupplier stopping) throws MessagingException {
        Message[] messages = inbox.getMessages();
        FetchProfile profile = new FetchProfile();
        profile.add(FetchProfile.Item.ENVELOPE);
        profile.add(FetchProfile.Item.CONTENT_INFO);
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(FetchProfile.Item.SIZE);
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add("Message-ID");
        try {
            inbox.fetch(messages, profile); // in one round trip; what it misses is read message by message
        } catch (FolderClosedException | StoreClosedException e) {
            throw e;
        } catch (MessagingException e) {
            LOG.debug("fetching the messages' structure at once failed ({})", e.getClass().getSimpleName());
        }
        int filedCount = 0;
        int rejectedCount = 0;
        int duplicates = 0;
        int left = 0;
        for (Message message : messages) {
            if (stopping.getAsBoolean()) {
                break;
            }
            try {
                if (message.isExpunged() || message.isSet(Flags.Flag.DELETED)) {
                    continue;
                }
                switch (take(message)) {
                    case FILED -> filedCount++;
                    case REJECTED -> rejectedCount++;
                    case DUPLICATE -> duplicates++;
                    case LEFT -> left++;
                }
            } catch (MessageRemovedException e) {
                // Another endpoint instance reading the same mailbox took it first.
                LOG.debug("a message was removed by someone else while it was read");
            } catch (FolderClosedException | StoreClosedException e) {
                throw e; // the connection is gone: the worker connects again
            } catch (MessagingException e) {
                // This message only: the others are still taken (one bad message never blocks the rest).
                LOG.warn("a message could not be taken ({}); it stays for the next pass", e.getClass().getSimpleName());
                left++;
            }
        }
        Result result = new Result(filedCount, rejectedCount, duplicates, left,
                messages.length - filedCount - rejectedCount - duplicates);
        if (result.moved() + left > 0) {
            LOG.info("mailbox pass: {} filed, {} rejected, {} duplicates removed, {} left for the next pass",
                    filedCount, rejectedCount, duplicates, left);
        }
        return result;
    }

    private Outcome take(Message message) throws MessagingException {
        String messageId = first(message.getHeader("Message-ID"));
        String from = fromAddress(message);
        if (!senders.allows(from)) {
            // Before any attachment is read: nothing of a refused sender's message is stored.
            return reject(message, messageId, List.of(RefusalNote.Line.refused(0, ErrorCode.SENDER_NOT_ALLOWED.code(),
                    "the endpoint does not take reports from the message's From address")));
        }
        Arrival arrival = new Arrival(Arrival.Source.MAILBOX, from, false, messageId, clock.instant());
        List<Part> reports = new ArrayList<>();
        collect(message, reports, 0);
        if (reports.isEmpty()) {
            return reject(message, messageId, List.of(RefusalNote.Line.refused(0, "no_report",
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
            } catch (IOException e) {
                LOG.warn("a mailed report could not be stored ({}); the message stays for the next pass",
                        e.getClass().getSimpleName());
                return Outcome.LEFT;
            }
        }
        if (allStored) {
            return move(message, messageId, filed) ? Outcome.FILED : Outcome.DUPLICATE;
        }
        return reject(message, messageId, lines);
    }

    private Outcome reject(Message message, String messageId, List<RefusalNote.Line> lines) throws MessagingException {
        if (!move(message, messageId, rejected)) {
            return Outcome.DUPLICATE;
        }
        note(messageId, lines);
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
     * already; then it is only removed here. Returns whether it was moved.
     */
    private boolean move(Message message, String messageId, Folder target) throws MessagingException {
        Message[] one = {message};
        if (messageId != null && alreadyIn(target, messageId, message.getSize())) {
            remove(one);
            return false;
        }
        if (store.hasCapability("MOVE")) {
            inbox.moveMessages(one, target);
        } else {
            inbox.copyMessages(one, target);
            remove(one);
        }
        return true;
    }

    /** Deletes the messages from the folder: only them where the server can (UIDPLUS). */
    private void remove(Message[] messages) throws MessagingException {
        inbox.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
        if (store.hasCapability("UIDPLUS")) {
            inbox.expunge(messages);
        } else {
            inbox.expunge(); // every message marked deleted: in a mailbox kept for reports, only ours
        }
    }

    private static boolean alreadyIn(Folder target, String messageId, int size) throws MessagingException {
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

    private static String fromAddress(Message message) throws MessagingException {
        Address[] from;
        try {
            from = message.getFrom();
        } catch (MessagingException e) {
            return null; // an unparseable From claims nothing
        }
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress address)) {
            return null;
        }
        // Lower-cased like the addresses of tokens, so a sender's own reports are found by their address.
        return address.getAddress() == null ? null : address.getAddress().strip().toLowerCase(Locale.ROOT);
    }

    private static String first(String[] values) {
        return values == null || values.length == 0 ? null : values[0].strip();
    }
}
