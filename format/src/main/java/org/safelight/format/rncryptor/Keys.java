package org.safelight.format.rncryptor;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Key derivation and the JCA objects for one message. */
final class Keys {
    private Keys() {
    }

    /**
     * PBKDF2-HMAC-SHA1 over the raw UTF-8 bytes of the password. Implemented here rather than with
     * {@code PBEKeySpec}, whose {@code char[]} input would leave the byte encoding to the provider.
     */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // An empty password is legal for PBKDF2 but not for SecretKeySpec; HMAC pads keys with zeros.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA1"));
            int hLen = mac.getMacLength();
            byte[] out = new byte[length];
            byte[] u = new byte[hLen];
            byte[] t = new byte[hLen];
            for (int block = 1, pos = 0; pos < length; block++, pos += hLen) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
                mac.doFinal(u, 0);
                System.arraycopy(u, 0, t, 0, hLen);
                for (int i = 1; i < iterations; i++) {
                    mac.update(u);
                    mac.doFinal(u, 0);
                    for (int j = 0; j < hLen; j++) {
                        t[j] ^= u[j];
                    }
                }
                System.arraycopy(t, 0, out, pos, Math.min(hLen, length - pos));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }

    /** [encryption key, HMAC key] for a header and a secret of the matching kind. */
    static byte[][] derive(Header header, Secret secret) {
        if (secret instanceof Secret.Password p) {
            return new byte[][] {
                pbkdf2(p.bytes(), header.encryptionSalt(), RNCryptor.PBKDF2_ITERATIONS, RNCryptor.KEY_LENGTH),
                pbkdf2(p.bytes(), header.hmacSalt(), RNCryptor.PBKDF2_ITERATIONS, RNCryptor.KEY_LENGTH)
            };
        }
        Secret.Keys k = (Secret.Keys) secret;
        return new byte[][] {k.encryptionKey(), k.hmacKey()};
    }

    static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static Cipher aesCbc(int mode, byte[] key, byte[] iv) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is missing from this JVM", e);
        }
    }
}
