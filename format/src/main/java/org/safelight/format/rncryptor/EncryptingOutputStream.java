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
 *
 * <p>Made by {@link RNCryptor#encryptingStreamOnTwoThreads}, it encrypts on the caller's thread and
 * hands the ciphertext to a second thread that MACs it and writes it to the underlying stream, so the
 * two passes of encrypt-then-MAC run on two cores. The underlying stream is then written from that
 * thread until {@link #finish()} returns; {@link #abandon()} after a failure stops it. {@link #flush()}
 * then does nothing (the caller's thread must not touch that stream) and {@code finish()} flushes it.
 *
 * <p>After any failure the stream is broken for good: every later write or {@code finish()} throws, and
 * {@link #close()} abandons (no last block, no HMAC), closes the underlying stream and throws.
 */
public final class EncryptingOutputStream extends OutputStream {
    private final OutputStream out;
    private final Cipher cipher;
    private final Mac mac;
    private final byte[] pending = new byte[RNCryptor.CHUNK];
    private final byte[] encrypted;
    /** The thread that MACs and writes the ciphertext, or null when this thread does. */
    private final HandOff<byte[]> macAndWrite;
    private int pendingLength;
    private boolean finished;
    /** A write or finish threw: the message is incomplete and must never get its HMAC. */
    private boolean failed;

    EncryptingOutputStream(OutputStream out, Secret secret, Header header) throws IOException {
        this(out, secret, header, false);
    }

    EncryptingOutputStream(OutputStream out, Secret secret, Header header, boolean twoThreads) throws IOException {
        header.checkMatches(secret);
        this.out = out;
        byte[][] keys = Keys.derive(header, secret);
        this.cipher = Keys.aesCbc(Cipher.ENCRYPT_MODE, keys[0], header.iv());
        this.mac = Keys.hmac(keys[1]);
        byte[] headerBytes = header.toBytes();
        mac.update(headerBytes);
        out.write(headerBytes);
        if (twoThreads) {
            encrypted = null;
            // started after the header went through the Mac and out: the thread's start orders them
            macAndWrite = HandOff.ofArrays("safelight-hmac", 4, RNCryptor.CHUNK + 16, (buffer, length) -> {
                mac.update(buffer, 0, length);
                out.write(buffer, 0, length);
            });
        } else {
            encrypted = new byte[RNCryptor.CHUNK + 16];
            macAndWrite = null;
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        pending[pendingLength++] = (byte) b;
        if (pendingLength == pending.length) {
            boolean ok = false;
            try {
                drainPending();
                ok = true;
            } finally {
                failed |= !ok;
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        boolean ok = false;
        try {
            writeChecked(b, off, len);
            ok = true;
        } finally {
            failed |= !ok;
        }
    }

    private void writeChecked(byte[] b, int off, int len) throws IOException {
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
        ensureNotFailed();
        boolean ok = false;
        try {
            finishChecked();
            ok = true;
        } finally {
            failed |= !ok;
        }
    }

    private void finishChecked() throws IOException {
        drainPending();
        try {
            if (macAndWrite == null) {
                emit(cipher.doFinal(encrypted, 0));
            } else {
                byte[] buffer = macAndWrite.take();
                macAndWrite.submit(buffer, cipher.doFinal(buffer, 0));
                macAndWrite.finish(); // the Mac and the stream are this thread's again
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC with padding refused to finish", e);
        }
        out.write(mac.doFinal());
        if (macAndWrite != null) {
            out.flush(); // flush() did not, see there
        }
        finished = true;
    }

    /**
     * After a failure, instead of {@link #finish()}: stops the second thread, if any, without writing the
     * rest or the HMAC. Does nothing once finished.
     */
    public void abandon() {
        if (!finished && macAndWrite != null) {
            macAndWrite.close();
        }
    }

    /**
     * Flushes the underlying stream, except on two threads: there it does nothing, because that stream
     * is the second thread's until {@link #finish()}, which flushes it. Either way, the bytes of the
     * cipher's last, incomplete block and the HMAC reach it only on {@code finish()}.
     */
    @Override
    public void flush() throws IOException {
        if (macAndWrite == null) {
            out.flush();
        }
    }

    /** Finishes and closes the underlying stream; after a failure, abandons instead and throws. */
    @Override
    public void close() throws IOException {
        try {
            ensureNotFailed();
            finish();
        } finally {
            abandon();
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
            if (macAndWrite == null) {
                emit(cipher.update(b, off, len, encrypted, 0));
            } else {
                byte[] buffer = macAndWrite.take();
                macAndWrite.submit(buffer, cipher.update(b, off, len, buffer, 0));
            }
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("cipher output buffer too small", e);
        }
    }

    private void emit(int n) throws IOException {
        mac.update(encrypted, 0, n);
        out.write(encrypted, 0, n);
    }

    private void ensureOpen() throws IOException {
        ensureNotFailed();
        if (finished) {
            throw new IOException("the RNCryptor stream is already finished");
        }
    }

    private void ensureNotFailed() throws IOException {
        if (failed) {
            throw new IOException("the RNCryptor stream failed earlier: abandoned, without its HMAC");
        }
    }
}
