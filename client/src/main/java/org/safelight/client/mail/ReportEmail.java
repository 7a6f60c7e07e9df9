package org.safelight.client.mail;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * The email that carries a sealed report to a person or an institution's mailbox: the
 * {@code {ReportID}.picsafe} attached, a plain-text part saying how to open it, the recipient in
 * To and the sender in From. The attachment is streamed from disk when the message is written, so
 * a large report is never held in memory. An institution's endpoint reading that mailbox files
 * every {@code .picsafe} attachment it finds.
 */
public final class ReportEmail {
    /** The attachment's media type; mail clients and the endpoint's mailbox go by the file name. */
    public static final String ATTACHMENT_TYPE = "application/octet-stream";

    private ReportEmail() {
    }

    /**
     * One email address as typed: an address only, no name, no list.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InternetAddress address(String text) {
        try {
            InternetAddress a = new InternetAddress(text.strip(), true);
            if (a.getPersonal() != null || a.isGroup() || !a.getAddress().equals(text.strip())
                    || !a.getAddress().contains("@")) {
                throw new AddressException("not a single address");
            }
            return a;
        } catch (AddressException e) {
            throw new IllegalArgumentException("'" + text + "' is not one email address (name@host)");
        }
    }

    /**
     * Writes the message.
     *
     * @param sealed   the sealed report; attached as {@code {reportId}.picsafe}
     * @param server   the Safelight server the sender uses, named in the instructions
     */
    public static MimeMessage compose(Session session, InternetAddress from, InternetAddress to, Path sealed,
                                      String reportId, String server, Instant date) throws MessagingException {
        return compose(session, from, from, to, sealed, reportId, server, date);
    }

    /**
     * Writes the message a server sends on a user's behalf: from the server's own address (a mail
     * server would refuse, or mark as forged, a message in the user's name from elsewhere), naming
     * {@code sender} in the instructions and as Reply-To, so answers reach the person who sent it.
     *
     * @param sender the person the report comes from
     */
    public static MimeMessage compose(Session session, InternetAddress from, InternetAddress sender, InternetAddress to,
                                      Path sealed, String reportId, String server, Instant date)
            throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        if (!sender.getAddress().equalsIgnoreCase(from.getAddress())) {
            m.setReplyTo(new InternetAddress[] {sender});
        }
        m.setRecipient(Message.RecipientType.TO, to);
        m.setSubject("Safelight report " + reportId, "UTF-8");
        m.setSentDate(Date.from(date));

        MimeBodyPart text = new MimeBodyPart();
        text.setText(instructions(sender.getAddress(), reportId, server), "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new TypedFile(sealed)));
        file.setFileName(reportId + ".picsafe");
        file.setDisposition(MimeBodyPart.ATTACHMENT);
        file.setHeader("Content-Transfer-Encoding", "base64");

        MimeMultipart parts = new MimeMultipart("mixed");
        parts.addBodyPart(text);
        parts.addBodyPart(file);
        m.setContent(parts);
        m.saveChanges();
        return m;
    }

    /** The body text: what the attachment is and how to open it. No patient data is in it. */
    static String instructions(String sender, String reportId, String server) {
        return sender + " sent you a Safelight report (" + reportId + "), attached as " + reportId + ".picsafe.\n"
                + "\n"
                + "The attachment is encrypted. Someone who intercepts this email sees nothing of the report;\n"
                + "to read it you sign in to Safelight, and each time the report is opened the key server that\n"
                + "holds its key records who opened it.\n"
                + "\n"
                + "To open it:\n"
                + "  1. Save the attachment.\n"
                + "  2. If you have no Safelight account yet, create one on " + server + " and confirm your\n"
                + "     email address with the link you receive.\n"
                + "  3. In a browser: open " + server + "/app, sign in and drop the file onto the page.\n"
                + "     Or with the Safelight command line:\n"
                + "       safelight login --server " + server + " --email YOUR-ADDRESS\n"
                + "       safelight open " + reportId + ".picsafe -o " + reportId + "\n"
                + "     The folder " + reportId + " then holds report.pdf, the photos, videos and audio.\n"
                + "\n"
                + "If this mailbox belongs to an institution's Safelight endpoint, nothing needs doing: the\n"
                + "endpoint files the report into the medical record by itself.\n"
                + "\n"
                + "Please do not forward the opened report by email: it holds patient information.\n";
    }

    /**
     * Saves {@code message} as an {@code .eml} file that a mail client opens as a draft ready to send
     * ({@code X-Unsent: 1}); written to a temporary file beside {@code target} and renamed, so the
     * file is whole or absent.
     *
     * @throws java.nio.file.FileAlreadyExistsException when {@code target} exists
     */
    public static void saveDraft(MimeMessage message, Path target) throws IOException, MessagingException {
        if (Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString(), null, "give another -o");
        }
        message.setHeader("X-Unsent", "1");
        message.saveChanges();
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, "." + target.getFileName() + "-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.WRITE)) {
                message.writeTo(out);
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** A session for composing only (no transport). */
    public static Session offline() {
        return Session.getInstance(new Properties());
    }

    /** A file part whose type is fixed (not guessed from the name by the platform's type map). */
    private static final class TypedFile extends FileDataSource {
        TypedFile(Path file) {
            super(file.toFile());
        }

        @Override
        public String getContentType() {
            return ATTACHMENT_TYPE;
        }
    }
}
