package org.safelight.accounts.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** Builds the RFC 822 form of our messages: plain UTF-8 text, marked as automatically sent. */
final class MimeMessages {
    private MimeMessages() {
    }

    static InternetAddress address(String text) {
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("not a usable mail address: " + text, e);
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
}
