package org.safelight.format.rncryptor;

/** The HMAC failed and the last block does not decrypt to valid padding: most likely the wrong password or key. */
public final class WrongKeyException extends IntegrityException {
    public WrongKeyException(String message) {
        super(message);
    }
}
