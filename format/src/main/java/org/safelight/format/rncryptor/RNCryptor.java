package org.safelight.format.rncryptor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RNCryptor v3: {@code version(3) | options | [encSalt | hmacSalt] | IV | AES-256-CBC | HMAC-SHA256}.
 *
 * <p>Encryption streams. Decryption never releases a byte before the HMAC over the whole message
 * has been checked (in constant time): a file is read twice (verify, then decrypt), a stream is
 * first spooled, still encrypted, to a private temporary file. Memory stays flat either way.
 *
 * <p>Failures are {@link RNCryptorException}s: {@link UnsupportedVersionException},
 * {@link UnsupportedOptionsException}, {@link TruncatedCiphertextException} for malformed data and
 * {@link IntegrityException} for a wrong key or altered data. (With raw keys, a right HMAC key and a
 * wrong encryption key pass the HMAC; that is caught by the padding check, which a wrong key passes
 * about once in 256 tries, returning garbage. Password mode derives both keys from one password, so
 * it cannot happen there.)
 */
public final class RNCryptor {
    public static final byte VERSION = 3;
    public static final int KEY_LENGTH = 32;
    public static final int PBKDF2_ITERATIONS = 10_000;
    static final int CHUNK = 64 * 1024;
    private static final int HMAC_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RNCryptor() {
    }

    /** A stream that encrypts into {@code out} with fresh salts and IV. Close or finish it to write the HMAC. */
    public static EncryptingOutputStream encryptingStream(OutputStream out, Secret secret) throws IOException {
        return new EncryptingOutputStream(out, secret, Header.random(secret, RANDOM));
    }

    /**
     * As {@link #encryptingStream(OutputStream, Secret)}, with the HMAC and the writes to {@code out} on a
     * second thread (see {@link EncryptingOutputStream}): for large messages on a machine with a spare core.
     * Call {@link EncryptingOutputStream#finish()}, or {@link EncryptingOutputStream#abandon()} on failure.
     */
    public static EncryptingOutputStream encryptingStreamOnTwoThreads(OutputStream out, Secret secret)
            throws IOException {
        return new EncryptingOutputStream(out, secret, Header.random(secret, RANDOM), true);
    }

    /** Same with given header parameters: for test vectors only. */
    public static EncryptingOutputStream encryptingStream(OutputStream out, Secret secret, Header header)
            throws IOException {
        return new EncryptingOutputStream(out, secret, header);
    }

    public static byte[] encrypt(byte[] plaintext, Secret secret) {
        return encrypt(plaintext, secret, Header.random(secret, RANDOM));
    }

    public static byte[] encrypt(byte[] plaintext, Secret secret, Header header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 100);
        try (EncryptingOutputStream enc = new EncryptingOutputStream(out, secret, header)) {
            enc.write(plaintext);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Decrypts a message held in memory, after verifying its HMAC. */
    public static byte[] decrypt(byte[] message, Secret secret) throws RNCryptorException {
        Header header = parseAndCheckLength(message, message.length, message.length, secret);
        byte[][] keys = Keys.derive(header, secret);
        Mac mac = Keys.hmac(keys[1]);
        int signedLength = message.length - HMAC_LENGTH;
        // In CHUNK slices, like the streams: one call over a large array stays out of the intrinsics.
        for (int off = 0; off < signedLength; off += CHUNK) {
            mac.update(message, off, Math.min(CHUNK, signedLength - off));
        }
        byte[] expected = new byte[HMAC_LENGTH];
        System.arraycopy(message, signedLength, expected, 0, HMAC_LENGTH);
        if (!MessageDigest.isEqual(mac.doFinal(), expected)) {
            throw new IntegrityException();
        }
        try {
            Cipher cipher = Keys.aesCbc(Cipher.DECRYPT_MODE, keys[0], header.iv());
            byte[] plain = new byte[signedLength - header.length()];
            int n = 0;
            for (int off = header.length(); off < signedLength; off += CHUNK) {
                n += cipher.update(message, off, Math.min(CHUNK, signedLength - off), plain, n);
            }
            n += cipher.doFinal(plain, n);
            return n == plain.length ? plain : Arrays.copyOf(plain, n);
        } catch (javax.crypto.BadPaddingException e) {
            throw new WrongKeyException("the encryption key is wrong (the HMAC key matched)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies the HMAC of the message in {@code file}, then returns its plaintext as a stream.
     *
     * @throws RNCryptorException if the file is malformed or does not verify; nothing was decrypted
     */
    public static InputStream openVerified(Path file, Secret secret) throws IOException {
        return openVerified(file, secret, null);
    }

    /**
     * Spools {@code in} (still encrypted) to a private temporary file, verifies it, and returns its
     * plaintext; the temporary file is removed when the stream is closed or on failure.
     */
    public static InputStream openVerified(InputStream in, Secret secret) throws IOException {
        Path spool = Files.createTempFile("safelight-", ".rncryptor");
        try {
            try (OutputStream out = Files.newOutputStream(spool)) {
                copy(in, out);
            }
            return openVerified(spool, secret, spool);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    /** Verifies {@code in}, then decrypts it to {@code out}. */
    public static void decrypt(Path in, OutputStream out, Secret secret) throws IOException {
        try (InputStream plain = openVerified(in, secret)) {
            plain.transferTo(out);
        }
    }

    /** Like {@code transferTo}, with CHUNK-sized writes: on JDK 17 that uses 8 KiB, one system call each. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[CHUNK];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
    }

    private static InputStream openVerified(Path file, Secret secret, Path deleteOnClose) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate(Header.PASSWORD_LENGTH);
            readFully(channel, head, 0);
            Header header = parseAndCheckLength(head.array(), head.position(), size, secret);
            byte[][] keys = Keys.derive(header, secret);
            verifyHmac(channel, size, Keys.hmac(keys[1]));
            Cipher cipher = Keys.aesCbc(Cipher.DECRYPT_MODE, keys[0], header.iv());
            return new DecryptingInputStream(channel, header.length(), size - header.length() - HMAC_LENGTH, cipher,
                    deleteOnClose);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void verifyHmac(FileChannel channel, long size, Mac mac) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long signedLength = size - HMAC_LENGTH;
        for (long pos = 0; pos < signedLength; ) {
            buffer.clear().limit((int) Math.min(CHUNK, signedLength - pos));
            readFully(channel, buffer, pos);
            mac.update(buffer.array(), 0, buffer.limit());
            pos += buffer.limit();
        }
        ByteBuffer expected = ByteBuffer.allocate(HMAC_LENGTH);
        readFully(channel, expected, signedLength);
        if (expected.hasRemaining() || !MessageDigest.isEqual(mac.doFinal(), expected.array())) {
            throw new IntegrityException();
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                return;
            }
        }
    }

    static Header parseAndCheckLength(byte[] head, int available, long size, Secret secret)
            throws RNCryptorException {
        Header header = Header.parse(head, available);
        header.checkMatches(secret);
        long body = size - header.length() - HMAC_LENGTH;
        if (body < 16) {
            throw new TruncatedCiphertextException("the data is cut off: " + size
                    + " bytes cannot hold a header, one AES block and an HMAC");
        }
        if (body % 16 != 0) {
            throw new TruncatedCiphertextException("the data is cut off or padded: its ciphertext is not whole AES blocks");
        }
        return header;
    }

    /**
     * After an {@link IntegrityException}: tells a wrong key from altered data by checking whether
     * the key decrypts the last block to valid padding.
     *
     * <p>Only for a user holding both the file and the key (the CLI). A server must never return
     * this distinction to a remote party: it would be a padding oracle on reports it holds.
     */
    public static IntegrityException diagnose(Path file, Secret secret) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer head = ByteBuffer.allocate(Header.PASSWORD_LENGTH);
            readFully(channel, head, 0);
            Header header = parseAndCheckLength(head.array(), head.position(), size, secret);
            long lastBlock = size - HMAC_LENGTH - 16;
            byte[] previous;
            if (lastBlock == header.length()) {
                previous = header.iv();
            } else {
                ByteBuffer prev = ByteBuffer.allocate(16);
                readFully(channel, prev, lastBlock - 16);
                previous = prev.array();
            }
            ByteBuffer last = ByteBuffer.allocate(16);
            readFully(channel, last, lastBlock);
            return diagnose(header, secret, previous, last.array());
        }
    }

    private static IntegrityException diagnose(Header header, Secret secret, byte[] previous, byte[] last) {
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Keys.derive(header, secret)[0], "AES"));
            byte[] block = ecb.doFinal(last);
            for (int i = 0; i < 16; i++) {
                block[i] ^= previous[i];
            }
            int pad = block[15] & 0xff;
            boolean valid = pad >= 1 && pad <= 16;
            for (int i = 16 - pad; valid && i < 16; i++) {
                valid = (block[i] & 0xff) == pad;
            }
            return valid
                    ? new TamperedDataException("the data was altered or damaged: its integrity check (HMAC) fails")
                    : new WrongKeyException("wrong password or key: it does not open this data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
