package org.safelight.client;

/** A share link of another server than the one signed in to: the sign-in is not sent there. */
public final class ForeignLinkException extends RuntimeException {
    public ForeignLinkException(String message) {
        super(message, null, false, false);
    }
}
