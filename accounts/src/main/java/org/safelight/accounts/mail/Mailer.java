package org.safelight.accounts.mail;

/**
 * Sends the messages accounts writes: plain-text ones to users (verification and reset links) and
 * sealed reports on a user's behalf. Implementations are thread-safe.
 */
public interface Mailer {

    /**
     * Hands the message on (to an SMTP server, or to the outbox folder).
     *
     * @throws MailDeliveryException when it could not be handed on; nothing is retried here
     */
    void send(MailMessage message);

    /**
     * Hands a report on, its attachment streamed from {@link ReportMail#sealed()}; returns once the
     * SMTP server accepted it (or the outbox file is complete).
     *
     * @throws MailDeliveryException when it could not be handed on ({@link MailDeliveryException#refused()}
     *                               when the mail server refused it); nothing is retried here
     */
    void send(ReportMail report);
}
