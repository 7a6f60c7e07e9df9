package org.safelight.accounts.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * Builds the RFC 822 form of our messages: plain UTF-8 text, marked as automatically sent; and
 * reports sent on a user's behalf, in the one wording the CLI's emails use too.
 */
final class MimeMessages {
    private MimeMessages() {
    }

    static InternetAddress address(String text) {
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            // Neither the address nor the library's message (which quotes it): addresses are personal data.
            throw new IllegalArgumentException("not a usable mail address");
        }
    }

    static MimeMessage build(Session session, InternetAddress from, MailMessage message, Instant now)
            throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(from);
        mime.setRecipient(jakarta.mail.Message.RecipientType.TO, address(message.to()));
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setSentDate(Date.from(now));
        mime.setText(message.body(), StandardCharsets.UTF_8.name());
        // Tells out-of-office responders and mailing list software not to answer.
        mime.setHeader("Auto-Submitted", "auto-generated");
        mime.saveChanges();
        return mime;
    }

    /** The report's message; its attachment is read from the file only when the message is written. */
    static MimeMessage report(Session session, InternetAddress from, ReportMail report, Instant now)
            throws MessagingException {
        String id = report.idShown() ? report.reportId() : ReportMail.NEUTRAL_NAME;
        MimeMessage mime = org.safelight.client.mail.ReportEmail.compose(session, from, address(report.onBehalfOf()),
                address(report.to()), report.sealed(), id, report.server(), now);
        if (!report.idShown()) {
            mime.setSubject("Safelight report", StandardCharsets.UTF_8.name());
        }
        mime.setHeader("Auto-Submitted", "auto-generated");
        mime.saveChanges();
        return mime;
    }
}
