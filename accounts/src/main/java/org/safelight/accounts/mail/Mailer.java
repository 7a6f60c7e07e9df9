package org.safelight.accounts.mail;

/**
 * Sends the plain-text messages accounts writes to users (verification and reset links).
 * Implementations are thread-safe.
 */
public interface Mailer {

    /**
     * Hands the message on (to an SMTP server, or to the outbox folder).
     *
     * @throws MailDeliveryException when it could not be handed on; nothing is retried here
     */
    void send(MailMessage message);
}
