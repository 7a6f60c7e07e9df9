package org.safelight.format.rncryptor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;

/**
 * Plaintext of a message whose HMAC has already been verified (see {@link RNCryptor#openVerified}).
 * Reads the ciphertext body in {@value RNCryptor#CHUNK}-byte cipher calls. Not thread-safe.
 */
final class DecryptingInputStream extends InputStream {
    private final FileChannel channel;
    private final Path deleteOnClose;
    private final Cipher cipher;
    private final ByteBuffer cipherText = ByteBuffer.allocate(RNCryptor.CHUNK);
    private final byte[] plain = new byte[RNCryptor.CHUNK + 16];
    private long position;
    private long remaining;
    private int plainPos;
    private int plainLen;
    private boolean done;

    DecryptingInputStream(FileChannel channel, long bodyOffset, long bodyLength, Cipher cipher, Path deleteOnClose) {
        this.channel = channel;
        this.cipher = cipher;
        this.remaining = bodyLength;
        this.deleteOnClose = deleteOnClose;
        this.position = bodyOffset;
    }

    @Override
    public int read() throws IOException {
        return hasPlaintext() ? plain[plainPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!hasPlaintext()) {
            return -1;
        }
        int n = Math.min(len, plainLen - plainPos);
        System.arraycopy(plain, plainPos, b, off, n);
        plainPos += n;
        return n;
    }

    /** Decrypts more if the buffer is used up; false at the end of the message. */
    private boolean hasPlaintext() throws IOException {
        while (plainPos == plainLen) {
            if (done) {
                return false;
            }
            fill();
        }
        return true;
    }

    private void fill() throws IOException {
        plainPos = 0;
        try {
            if (remaining == 0) {
                plainLen = cipher.doFinal(plain, 0);
                done = true;
                return;
            }
            cipherText.clear().limit((int) Math.min(cipherText.capacity(), remaining));
            while (cipherText.hasRemaining()) {
                int n = channel.read(cipherText, position);
                if (n < 0) {
                    throw new TruncatedCiphertextException("the data was shortened while it was being decrypted");
                }
                position += n;
            }
            remaining -= cipherText.limit();
            plainLen = cipher.update(cipherText.array(), 0, cipherText.limit(), plain, 0);
        } catch (javax.crypto.BadPaddingException e) {
            // The HMAC key was right but the encryption key was not (possible only with raw keys).
            throw new WrongKeyException("the encryption key is wrong (the HMAC key matched)");
        } catch (GeneralSecurityException e) {
            throw new IOException("decryption failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (deleteOnClose != null) {
                Files.deleteIfExists(deleteOnClose);
            }
        }
    }
}
