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

    /**
     * [encryption key, HMAC key] for a header and a secret of the matching kind. With a password the
     * two PBKDF2 derivations are independent, so the encryption key is derived on a second thread
     * while this one derives the HMAC key: in a fresh JVM each takes a few hundred milliseconds of
     * not-yet-compiled code, the largest fixed cost of decrypting a small file.
     */
    static byte[][] derive(Header header, Secret secret) {
        if (secret instanceof Secret.Password p) {
            byte[][] keys = new byte[2][];
            RuntimeException[] failure = new RuntimeException[1];
            Thread other = new Thread(() -> {
                try {
                    keys[0] = pbkdf2(p.bytes(), header.encryptionSalt(), RNCryptor.PBKDF2_ITERATIONS, RNCryptor.KEY_LENGTH);
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            }, "safelight-pbkdf2");
            other.setDaemon(true);
            other.start();
            keys[1] = pbkdf2(p.bytes(), header.hmacSalt(), RNCryptor.PBKDF2_ITERATIONS, RNCryptor.KEY_LENGTH);
            joinUninterruptibly(other); // the join publishes keys[0] and failure[0] to this thread
            if (failure[0] != null) {
                throw failure[0];
            }
            return keys;
        }
        Secret.Keys k = (Secret.Keys) secret;
        return new byte[][] {k.encryptionKey(), k.hmacKey()};
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
