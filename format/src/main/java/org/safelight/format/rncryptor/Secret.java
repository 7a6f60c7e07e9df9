package org.safelight.format.rncryptor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What opens an RNCryptor message: a password (keys derived with PBKDF2, options byte 1) or a pair
 * of raw 256-bit keys (options byte 0). Never printed: {@link #toString()} says only which kind.
 */
public sealed interface Secret permits Secret.Password, Secret.Keys {

    /** A password, used as its UTF-8 bytes, as every RNCryptor implementation does. */
    static Password password(String password) {
        return new Password(password.getBytes(StandardCharsets.UTF_8));
    }

    static Keys keys(byte[] encryptionKey, byte[] hmacKey) {
        return new Keys(encryptionKey, hmacKey);
    }

    /** The options byte this kind of secret is written with. */
    int options();

    final class Password implements Secret {
        private final byte[] utf8;

        Password(byte[] utf8) {
            this.utf8 = utf8.clone();
        }

        byte[] bytes() {
            return utf8;
        }

        @Override
        public int options() {
            return 1;
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    final class Keys implements Secret {
        private final byte[] encryptionKey;
        private final byte[] hmacKey;

        Keys(byte[] encryptionKey, byte[] hmacKey) {
            if (encryptionKey.length != RNCryptor.KEY_LENGTH || hmacKey.length != RNCryptor.KEY_LENGTH) {
                throw new IllegalArgumentException("RNCryptor keys are 32 bytes each");
            }
            this.encryptionKey = encryptionKey.clone();
            this.hmacKey = hmacKey.clone();
        }

        byte[] encryptionKey() {
            return encryptionKey;
        }

        byte[] hmacKey() {
            return hmacKey;
        }

        @Override
        public int options() {
            return 0;
        }

        @Override
        public String toString() {
            return "Keys[****]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Keys k && Arrays.equals(k.encryptionKey, encryptionKey)
                    && Arrays.equals(k.hmacKey, hmacKey);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(encryptionKey) + Arrays.hashCode(hmacKey);
        }
    }
}
