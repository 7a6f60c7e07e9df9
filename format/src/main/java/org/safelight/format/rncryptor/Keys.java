package org.safelight.format.rncryptor;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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

    /** PBKDF2 of the password with one salt; a seam so that a test can make one derivation fail. */
    interface Derivation {
        byte[] derive(byte[] password, byte[] salt);
    }

    private static final Derivation PBKDF2 =
            (password, salt) -> pbkdf2(password, salt, RNCryptor.PBKDF2_ITERATIONS, RNCryptor.KEY_LENGTH);

    /**
     * One shared daemon thread that may derive the encryption key while the caller derives the HMAC
     * key: in a fresh JVM (the CLI) each PBKDF2 takes a few hundred milliseconds of not-yet-compiled
     * code, the largest fixed cost of opening a small file. It is created on first use and ends after
     * 30 s idle. When it is busy (a server opening several reports at once) the hand-over is refused
     * at once and the caller derives both keys itself, as before: no thread is started per open and
     * no caller waits behind another's derivation.
     */
    private static final ThreadPoolExecutor SECOND = secondThread();

    private static ThreadPoolExecutor secondThread() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "safelight-pbkdf2");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * [encryption key, HMAC key] for a header and a secret of the matching kind. With a password the
     * two PBKDF2 derivations are independent; the encryption key is offered to the shared second
     * thread and derived here if that thread has not started it by the time the HMAC key is done.
     * Whatever the derivation on the other thread throws (an {@link Error} too) is thrown here.
     */
    static byte[][] derive(Header header, Secret secret) {
        return derive(header, secret, PBKDF2);
    }

    static byte[][] derive(Header header, Secret secret, Derivation derivation) {
        if (secret instanceof Secret.Password p) {
            FutureTask<byte[]> encryptionKey = new FutureTask<>(() -> derivation.derive(p.bytes(), header.encryptionSalt()));
            SECOND.execute(encryptionKey); // discarded when the second thread is busy
            byte[] hmacKey = derivation.derive(p.bytes(), header.hmacSalt());
            encryptionKey.run(); // does nothing if the second thread has started (or finished) it
            return new byte[][] {result(encryptionKey), hmacKey};
        }
        Secret.Keys k = (Secret.Keys) secret;
        return new byte[][] {k.encryptionKey(), k.hmacKey()};
    }

    /** The task's value; what it threw, rethrown as it was (wrapped only if checked, which PBKDF2 never is). */
    private static byte[] result(FutureTask<byte[]> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get(); // publishes the key to this thread
                } catch (InterruptedException e) {
                    interrupted = true; // the key is needed anyway; keep the flag for the caller
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("PBKDF2 failed", cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
