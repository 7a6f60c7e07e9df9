package org.safelight.format.rncryptor;

/** The HMAC failed although the key decrypts the last block cleanly: the data was altered or damaged. */
public final class TamperedDataException extends IntegrityException {
    public TamperedDataException(String message) {
        super(message);
    }
}
