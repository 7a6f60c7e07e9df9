package org.safelight.client.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * An SMTP server that takes the sender's mail (their organisation's relay or a mail service), with
 * the same settings as the server's mailer: STARTTLS required unless turned off (then plain SMTP,
 * for a relay on this host or network), the certificate's host checked, sign-in when a user is given.
 *
 * @param password only with {@code user}; never printed by {@link #toString()}
 */
public record SmtpRelay(String host, int port, String user, String password, boolean startTls) {

    public boolean authenticates() {
        return user != null && !user.isBlank();
    }

    /** A session for this relay. */
    public Session session() {
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.auth", Boolean.toString(authenticates()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
        props.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "60000");
        props.put("mail.smtp.writetimeout", "60000");
        return Session.getInstance(props);
    }

    /**
     * Hands the message to the relay.
     *
     * @throws MessagingException when the relay cannot be reached or does not take it
     */
    public void send(MimeMessage message) throws MessagingException {
        if (authenticates()) {
            Transport.send(message, user, password == null ? "" : password);
        } else {
            Transport.send(message);
        }
    }

    @Override
    public String toString() {
        return "SmtpRelay[" + host + ":" + port + (authenticates() ? " as " + user : "") + ", starttls=" + startTls + "]";
    }
}
