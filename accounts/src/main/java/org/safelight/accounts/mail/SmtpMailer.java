package org.safelight.accounts.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers through an SMTP server (the hospital's relay, or a mail service). With
 * {@code startTls} the connection must be upgraded to TLS before login and sending, and the server
 * certificate is checked; without it, plain SMTP (for a relay on the same host or network).
 * Thread-safe: every message opens its own connection.
 */
public final class SmtpMailer implements Mailer {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpMailer.class);

    private final SmtpSettings settings;
    private final Session session;
    private final InternetAddress from;
    private final Clock clock;

    public SmtpMailer(SmtpSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.from = MimeMessages.address(settings.from());
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.host());
        props.put("mail.smtp.port", Integer.toString(settings.port()));
        props.put("mail.smtp.auth", Boolean.toString(settings.authenticates()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        props.put("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        props.put("mail.smtp.writetimeout", "30000");
        this.session = Session.getInstance(props);
    }

    @Override
    public void send(MailMessage message) {
        try {
            MimeMessage mime = MimeMessages.build(session, from, message, clock.instant());
            if (settings.authenticates()) {
                Transport.send(mime, settings.username(), settings.password());
            } else {
                Transport.send(mime);
            }
            LOG.info("mail '{}' handed to {}:{}", message.subject(), settings.host(), settings.port());
        } catch (MessagingException e) {
            throw new MailDeliveryException("the SMTP server " + settings.host() + ":" + settings.port()
                    + " did not take the message", e);
        }
    }
}
