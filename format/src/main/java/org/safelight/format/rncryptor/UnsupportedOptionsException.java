package org.safelight.format.rncryptor;

/** The options byte is unknown, or names the other mode than the secret given. */
public final class UnsupportedOptionsException extends MalformedCiphertextException {
    public UnsupportedOptionsException(String message) {
        super(message);
    }
}
