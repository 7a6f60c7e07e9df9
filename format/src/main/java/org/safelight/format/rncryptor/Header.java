package org.safelight.format.rncryptor;

import java.security.SecureRandom;

/**
 * The plaintext header of an RNCryptor v3 message: version, options, the two PBKDF2 salts (password
 * mode only) and the IV. The salts and IV must be fresh for every message; {@link #of} exists for
 * test vectors.
 */
public record Header(int options, byte[] encryptionSalt, byte[] hmacSalt, byte[] iv) {
    static final int PASSWORD_LENGTH = 34;
    static final int KEY_LENGTH = 18;

    public Header {
        if (options != 0 && options != 1) {
            throw new IllegalArgumentException("options must be 0 or 1");
        }
        if (iv.length != 16) {
            throw new IllegalArgumentException("IV must be 16 bytes");
        }
        if (options == 1 && (encryptionSalt == null || encryptionSalt.length != 8 || hmacSalt == null
                || hmacSalt.length != 8)) {
            throw new IllegalArgumentException("password mode needs two 8-byte salts");
        }
        encryptionSalt = options == 1 ? encryptionSalt.clone() : new byte[0];
        hmacSalt = options == 1 ? hmacSalt.clone() : new byte[0];
        iv = iv.clone();
    }

    /** A header with fresh random salts and IV for the given kind of secret. */
    public static Header random(Secret secret, SecureRandom random) {
        byte[] iv = new byte[16];
        random.nextBytes(iv);
        if (secret.options() == 0) {
            return new Header(0, null, null, iv);
        }
        byte[] encSalt = new byte[8];
        byte[] hmacSalt = new byte[8];
        random.nextBytes(encSalt);
        random.nextBytes(hmacSalt);
        return new Header(1, encSalt, hmacSalt, iv);
    }

    /** Fixed parameters: only for reproducing test vectors. Never reuse salts or IVs for real data. */
    public static Header of(int options, byte[] encryptionSalt, byte[] hmacSalt, byte[] iv) {
        return new Header(options, encryptionSalt, hmacSalt, iv);
    }

    public int length() {
        return lengthFor(options);
    }

    static int lengthFor(int options) {
        return options == 1 ? PASSWORD_LENGTH : KEY_LENGTH;
    }

    byte[] toBytes() {
        byte[] out = new byte[length()];
        out[0] = RNCryptor.VERSION;
        out[1] = (byte) options;
        int pos = 2;
        if (options == 1) {
            System.arraycopy(encryptionSalt, 0, out, pos, 8);
            System.arraycopy(hmacSalt, 0, out, pos + 8, 8);
            pos += 16;
        }
        System.arraycopy(iv, 0, out, pos, 16);
        return out;
    }

    /**
     * Parses a header from the first bytes of a message (at least 2, and {@code length()} for the
     * rest). Version and options are checked before anything else, each with its own error.
     */
    static Header parse(byte[] bytes, int available) throws RNCryptorException {
        if (available < 2) {
            throw new TruncatedCiphertextException("the data is too short to be RNCryptor (" + available + " bytes)");
        }
        int version = bytes[0] & 0xff;
        if (version != RNCryptor.VERSION) {
            throw new UnsupportedVersionException(version);
        }
        int options = bytes[1] & 0xff;
        if (options != 0 && options != 1) {
            throw new UnsupportedOptionsException("unknown RNCryptor options byte " + options
                    + " (1 = password, 0 = raw keys)");
        }
        int length = lengthFor(options);
        if (available < length) {
            throw new TruncatedCiphertextException("the data ends inside its RNCryptor header");
        }
        byte[] iv = new byte[16];
        System.arraycopy(bytes, length - 16, iv, 0, 16);
        if (options == 0) {
            return new Header(0, null, null, iv);
        }
        byte[] encSalt = new byte[8];
        byte[] hmacSalt = new byte[8];
        System.arraycopy(bytes, 2, encSalt, 0, 8);
        System.arraycopy(bytes, 10, hmacSalt, 0, 8);
        return new Header(1, encSalt, hmacSalt, iv);
    }

    void checkMatches(Secret secret) throws UnsupportedOptionsException {
        if (secret.options() != options) {
            throw new UnsupportedOptionsException(options == 1
                    ? "this data is encrypted with a password, but raw keys were given"
                    : "this data is encrypted with raw keys, not a password");
        }
    }
}
