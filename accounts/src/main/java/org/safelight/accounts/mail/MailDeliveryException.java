package org.safelight.accounts.mail;

/** A message could not be handed to the mail server or written to the outbox. */
public class MailDeliveryException extends RuntimeException {
    public MailDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
