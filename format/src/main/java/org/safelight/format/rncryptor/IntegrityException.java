package org.safelight.format.rncryptor;

/**
 * The message's HMAC does not match: the key is wrong or the data was changed. Nothing was
 * decrypted. Which of the two is told by {@link RNCryptor#diagnose}, on request only (see there why).
 */
public class IntegrityException extends RNCryptorException {
    public IntegrityException() {
        this("the integrity check (HMAC) failed: the password or key is wrong, or the data was altered");
    }

    protected IntegrityException(String message) {
        super(message);
    }
}
