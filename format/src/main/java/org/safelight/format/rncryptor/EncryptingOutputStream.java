package org.safelight.format.rncryptor;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Encrypts everything written to it into an RNCryptor v3 message on the underlying stream:
 * header first, ciphertext as it comes (buffered into {@value RNCryptor#CHUNK}-byte cipher calls, so
 * small writes stay fast and large ones stay within the JIT's intrinsics), HMAC last on
 * {@link #finish()} or {@link #close()}. Memory is constant whatever the length. Not thread-safe.
 */
public final class EncryptingOutputStream extends OutputStream {
    private final OutputStream out;
    private final Cipher cipher;
    private final Mac mac;
    private final byte[] pending = new byte[RNCryptor.CHUNK];
    private final byte[] encrypted = new byte[RNCryptor.CHUNK + 16];
    private int pendingLength;
    private boolean finished;

    EncryptingOutputStream(OutputStream out, Secret secret, Header header) throws IOException {
        header.checkMatches(secret);
        this.out = out;
        byte[][] keys = Keys.derive(header, secret);
        this.cipher = Keys.aesCbc(Cipher.ENCRYPT_MODE, keys[0], header.iv());
        this.mac = Keys.hmac(keys[1]);
        byte[] headerBytes = header.toBytes();
        mac.update(headerBytes);
        out.write(headerBytes);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        pending[pendingLength++] = (byte) b;
        if (pendingLength == pending.length) {
            drainPending();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (pendingLength == 0 && len >= RNCryptor.CHUNK) {
                encrypt(b, off, RNCryptor.CHUNK);
                off += RNCryptor.CHUNK;
                len -= RNCryptor.CHUNK;
                continue;
            }
            int n = Math.min(len, pending.length - pendingLength);
            System.arraycopy(b, off, pending, pendingLength, n);
            pendingLength += n;
            off += n;
            len -= n;
            if (pendingLength == pending.length) {
                drainPending();
            }
        }
    }

    /** Writes the last block and the HMAC without closing the underlying stream (e.g. a ZIP entry). */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        drainPending();
        try {
            int n = cipher.doFinal(encrypted, 0);
            emit(n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC with padding refused to finish", e);
        }
        out.write(mac.doFinal());
        finished = true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void drainPending() throws IOException {
        if (pendingLength > 0) {
            encrypt(pending, 0, pendingLength);
            pendingLength = 0;
        }
    }

    private void encrypt(byte[] b, int off, int len) throws IOException {
        try {
            emit(cipher.update(b, off, len, encrypted, 0));
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("cipher output buffer too small", e);
        }
    }

    private void emit(int n) throws IOException {
        mac.update(encrypted, 0, n);
        out.write(encrypted, 0, n);
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("the RNCryptor stream is already finished");
        }
    }
}
