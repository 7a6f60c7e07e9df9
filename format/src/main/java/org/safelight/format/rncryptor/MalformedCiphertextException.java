package org.safelight.format.rncryptor;

/** The bytes are not a well-formed RNCryptor v3 message, whatever the key. */
public abstract class MalformedCiphertextException extends RNCryptorException {
    protected MalformedCiphertextException(String message) {
        super(message);
    }
}
