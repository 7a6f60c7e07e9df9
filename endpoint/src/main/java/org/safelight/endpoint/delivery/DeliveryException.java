package org.safelight.endpoint.delivery;

/**
 * A delivery that did not happen. The message is kept as the delivery's last error and shown to
 * the institution's admin: it names the destination's answer, never report content, keys or
 * tokens.
 */
public class DeliveryException extends Exception {
    private final boolean permanent;

    public DeliveryException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    public DeliveryException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** Retrying cannot help: park the delivery for a person now. */
    public boolean permanent() {
        return permanent;
    }
}
