package org.safelight.client;

/** No kept sign-in: the user has to run {@code safelight login} first. */
public final class NotSignedInException extends RuntimeException {
    public NotSignedInException(String message) {
        super(message, null, false, false);
    }
}
