package org.safelight.format.rncryptor;

/** The message is shorter than its header, one block and its HMAC, or not whole blocks: cut off. */
public final class TruncatedCiphertextException extends MalformedCiphertextException {
    public TruncatedCiphertextException(String message) {
        super(message);
    }
}
