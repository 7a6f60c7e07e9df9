package org.safelight.accounts.mail;

/**
 * A message could not be handed to the mail server or written to the outbox: either the server
 * could not be reached (or the outbox written), or it was reached and refused the message
 * ({@link #refused()}: an address it will not deliver to, a message too large for it).
 */
public class MailDeliveryException extends RuntimeException {
    private final boolean refused;

    public MailDeliveryException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public MailDeliveryException(String message, Throwable cause, boolean refused) {
        super(message, cause);
        this.refused = refused;
    }

    /** Whether the mail server answered and said no (trying again will not help). */
    public boolean refused() {
        return refused;
    }
}
