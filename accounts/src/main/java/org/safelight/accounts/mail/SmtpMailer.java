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
            deliver(MimeMessages.build(session, from, message, clock.instant()));
            LOG.info("mail '{}' handed to {}:{}", message.subject(), settings.host(), settings.port());
        } catch (MessagingException e) {
            throw failure(e);
        }
    }

    @Override
    public void send(ReportMail report) {
        try {
            deliver(MimeMessages.report(session, from, report, clock.instant()));
            LOG.info("report mail handed to {}:{}", settings.host(), settings.port());
        } catch (MessagingException e) {
            throw failure(e);
        } catch (IllegalArgumentException e) {
            throw new MailDeliveryException("an address the mail library does not take", null, true);
        }
    }

    private void deliver(MimeMessage mime) throws MessagingException {
        if (settings.authenticates()) {
            Transport.send(mime, settings.username(), settings.password());
        } else {
            Transport.send(mime);
        }
    }

    /**
     * A server that answered and refused (an address it will not deliver to, a message too large,
     * a sign-in it does not accept: a permanent 5xx) is told apart from one that could not be
     * reached or answered "try later" (4xx).
     */
    private MailDeliveryException failure(MessagingException e) {
        boolean refused = e instanceof jakarta.mail.SendFailedException || e instanceof jakarta.mail.AuthenticationFailedException;
        Integer code = replyCode(e);
        if (code != null) {
            refused = code >= 500;
        }
        return new MailDeliveryException("the SMTP server " + settings.host() + ":" + settings.port()
                + (refused ? " refused the message" : " did not take the message"), e, refused);
    }

    /** The SMTP reply code the server gave, when the exception carries one (Angus Mail's own types). */
    private static Integer replyCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException s) {
                return s.getReturnCode();
            }
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException s) {
                return s.getReturnCode();
            }
            if (t instanceof jakarta.mail.MessagingException m && m.getNextException() != null
                    && m.getNextException() != t) {
                Integer inner = replyCode(m.getNextException());
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }
}
