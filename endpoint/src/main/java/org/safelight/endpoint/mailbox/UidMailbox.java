package org.safelight.endpoint.mailbox;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;

/**
 * The commands of a pass on the open inbox, every one naming its message by UID, never by sequence
 * number. Another endpoint instance on the same mailbox moves messages out at any time; a session
 * learns of it only at some later command (RFC 9051 §7.5.1 forbids telling it during FETCH, STORE
 * or SEARCH), so the sequence numbers the mail library holds can name the next message by then
 * (GreenMail even reads them against the mailbox as it is now). A UID names one message for good:
 * a command on a UID that is gone does nothing.
 *
 * <p>The mail library (Angus Mail 2.0.5) sends STORE, COPY, MOVE and every FETCH of a message's
 * content by sequence number (its only UID forms are UID EXPUNGE and the look-ups of
 * {@code getMessageByUID}); so the commands are written out here, and their untagged responses
 * are still handed to the folder, which keeps its count of messages.
 */
class UidMailbox {
    /** Read in parts of this size: what the server sends at once is held in memory. */
    private static final int CHUNK = 1024 * 1024;
    private static final Pattern COPYUID = Pattern.compile("\\[COPYUID \\d+ ([0-9:,]+) [0-9:,]+\\]",
            Pattern.CASE_INSENSITIVE);

    private final IMAPFolder inbox;
    private final MailboxPass.Capabilities capabilities;

    /** A message's header and size, read without setting {@code \Seen}. */
    record Header(long uid, long size, InternetHeaders fields) {
        String first(String name) {
            String[] values = fields.getHeader(name);
            return values == null || values.length == 0 ? null : values[0].strip();
        }
    }

    UidMailbox(IMAPFolder inbox, MailboxPass.Capabilities capabilities) {
        this.inbox = inbox;
        this.capabilities = capabilities;
    }

    /** The UIDs of the messages not flagged {@code \Deleted}, in the server's order. */
    List<Long> undeleted() throws MessagingException {
        return search("UNDELETED");
    }

    private List<Long> search(String criterion) throws MessagingException {
        return run(p -> {
            Response[] r = p.command("UID SEARCH " + criterion, null);
            List<Long> uids = new ArrayList<>();
            for (int i = 0; i < r.length; i++) {
                if (r[i] instanceof IMAPResponse ir && ir.isUnTagged() && ir.keyEquals("SEARCH")) {
                    for (long uid = ir.readLong(); uid != -1; uid = ir.readLong()) {
                        uids.add(uid);
                    }
                    r[i] = null;
                }
            }
            finish(p, r);
            return uids;
        });
    }

    /** The message's header and size; null when it is gone (another instance took it). */
    Header header(long uid) throws MessagingException {
        return run(p -> {
            FetchResponse f = fetch(p, uid, "RFC822.SIZE BODY.PEEK[HEADER]");
            if (f == null || f.getItem(RFC822SIZE.class) == null || f.getItem(BODY.class) == null) {
                return null;
            }
            try {
                return new Header(uid, f.getItem(RFC822SIZE.class).size,
                        new InternetHeaders(f.getItem(BODY.class).getByteArrayInputStream()));
            } catch (MessagingException e) {
                throw new ProtocolException("the header could not be parsed", e);
            }
        });
    }

    /**
     * Writes the whole message to {@code out}, part after part, each asked for by its UID from where
     * the last one ended: a message never changes, so the parts join up whatever happens around them,
     * and a part the server answers short is simply continued. The copy ends at the first empty part
     * (asked past the end), not at a size the server stated: some servers state RFC822.SIZE inexactly.
     * Returns the number of bytes written; -1 when the message is gone. Stops once more than
     * {@code limit} bytes were written (the caller refuses such a message as too large).
     */
    long read(long uid, OutputStream out, long limit) throws MessagingException, IOException {
        long written = 0;
        while (written <= limit) {
            ByteArray bytes = part(uid, written, CHUNK);
            if (bytes == null) {
                return -1;
            }
            if (bytes.getCount() == 0) {
                return written;
            }
            out.write(bytes.getBytes(), bytes.getStart(), bytes.getCount());
            written += bytes.getCount();
        }
        return written;
    }

    /**
     * Up to {@code length} bytes of the message from {@code offset} ({@code BODY.PEEK[]<offset.length>},
     * no {@code \Seen}); fewer at its end; null when it is gone. Package-private: tests answer short here.
     */
    ByteArray part(long uid, long offset, int length) throws MessagingException {
        return run(p -> {
            FetchResponse f = fetch(p, uid, "BODY.PEEK[]<" + offset + "." + length + ">");
            BODY body = f == null ? null : f.getItem(BODY.class);
            if (body == null) {
                return null;
            }
            ByteArray bytes = body.getByteArray();
            return bytes == null ? new ByteArray(new byte[0], 0, 0) : bytes;
        });
    }

    /** The UIDs of the messages flagged {@code \Deleted}, in the server's order. */
    List<Long> deleted() throws MessagingException {
        return search("DELETED");
    }

    /** Takes the {@code \Deleted} flag off the message again (nothing when it is gone). */
    void undelete(long uid) throws MessagingException {
        run(p -> {
            p.simpleCommand("UID STORE " + uid + " -FLAGS.SILENT (\\Deleted)", null);
            return null;
        });
    }

    /**
     * Moves the message to {@code target}: UID MOVE, or where the server has no MOVE, a UID COPY and
     * only then its removal. Returns whether this call moved it; false when the message was gone
     * already (the other instance moved it). Without UIDPLUS the server does not say, and a move is assumed.
     */
    boolean moveTo(long uid, Folder target) throws MessagingException {
        return run(p -> {
            Argument args = new Argument();
            args.writeAtom(Long.toString(uid));
            args.writeString(BASE64MailboxEncoder.encode(target.getFullName()));
            Response[] r = p.command(capabilities.move() ? "UID MOVE" : "UID COPY", args);
            boolean moved = !capabilities.uidplus() || copied(r, uid);
            finish(p, r);
            if (!capabilities.move()) {
                remove(p, uid); // after the copy: a crash between the two leaves a copy, never a loss
            }
            return moved;
        });
    }

    /** Removes the message from the inbox (a copy of it is in a target folder already). */
    void remove(long uid) throws MessagingException {
        run(p -> {
            remove(p, uid);
            return null;
        });
    }

    private void remove(IMAPProtocol p, long uid) throws ProtocolException {
        p.simpleCommand("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)", null);
        if (capabilities.uidplus()) {
            p.simpleCommand("UID EXPUNGE " + uid, null);
        } else {
            // Every message flagged \Deleted goes: in a mailbox kept for reports, only ones copied
            // already, by this instance or another (each flags a message only after copying it).
            p.simpleCommand("EXPUNGE", null);
        }
    }

    /**
     * The FETCH response for {@code uid}, taken out of what goes to the folder; of several (an
     * unsolicited one telling of new flags may come too), the first carrying the requested BODY
     * item; null when none came,
     * or when the server refused because the message was expunged meanwhile (Dovecot answers
     * {@code NO [EXPUNGEISSUED]}, RFC 5530, for one expunged by another session).
     */
    private static FetchResponse fetch(IMAPProtocol p, long uid, String items) throws ProtocolException {
        Response[] r = p.command("UID FETCH " + uid + " (UID " + items + ")", null);
        FetchResponse mine = null;
        for (int i = 0; i < r.length; i++) {
            if (r[i] instanceof FetchResponse f && f.getItem(UID.class) != null && f.getItem(UID.class).uid == uid) {
                if (mine == null || mine.getItem(BODY.class) == null) {
                    mine = f;
                }
                r[i] = null;
            }
        }
        Response result = r[r.length - 1];
        if (result.isNO() && result.toString().toUpperCase(Locale.ROOT).contains("[EXPUNGEISSUED]")) {
            r[r.length - 1] = null;
            p.notifyResponseHandlers(r);
            return null;
        }
        finish(p, r);
        return mine;
    }

    /** Whether a COPYUID response code (RFC 4315) names {@code uid} among the messages copied or moved. */
    private static boolean copied(Response[] responses, long uid) {
        for (Response r : responses) {
            Matcher m = r == null ? null : COPYUID.matcher(r.toString());
            if (m != null && m.find()) {
                for (long copied : UIDSet.toArray(UIDSet.parseUIDSets(m.group(1)))) {
                    if (copied == uid) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Hands the untagged responses to the folder (new and expunged messages), then checks the result. */
    private static void finish(IMAPProtocol p, Response[] r) throws ProtocolException {
        Response result = r[r.length - 1];
        p.notifyResponseHandlers(r);
        p.handleResult(result);
    }

    private interface Command<T> {
        T on(IMAPProtocol p) throws ProtocolException;
    }

    @SuppressWarnings("unchecked")
    private <T> T run(Command<T> command) throws MessagingException {
        return (T) inbox.doCommand(command::on);
    }
}
