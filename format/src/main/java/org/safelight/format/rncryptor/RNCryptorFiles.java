package org.safelight.format.rncryptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * RNCryptor v3 for whole files on two cores: what the CLI's {@code encrypt} and {@code decrypt} use.
 * Same format and same errors as {@link RNCryptor}; the difference is speed on large inputs. Data
 * moves in {@value #BLOCK}-byte reads and writes, and the two passes of encrypt-then-MAC run at once
 * on two threads handing each other a few reused buffers, so memory stays flat at any size.
 *
 * <ul>
 * <li>Encrypt: this thread reads and encrypts (AES-CBC encryption is sequential); a second thread
 *     computes the HMAC over the ciphertext and writes it.
 * <li>Decrypt to a file: this thread reads each chunk once, hands it to a second thread that
 *     feeds it to the HMAC, and meanwhile decrypts the same chunk and writes the plaintext to a
 *     private temporary file next to the target. (The HMAC is the longer pass once the JIT has
 *     compiled both: reading, decrypting and writing on one side balance it.) The file is renamed
 *     onto the target only after the HMAC over the whole message has verified (compared in
 *     constant time); otherwise it is deleted and the error is the same as
 *     {@link RNCryptor#openVerified(Path, Secret)}'s. Nothing unverified is released: the
 *     plaintext is unreachable under its temporary name, and gone on any failure.
 * </ul>
 *
 * <p>Decrypting to a stream (which cannot be taken back) goes through a private scratch file the
 * same way and is copied to the stream only after the HMAC verified: see
 * {@link #decrypt(Path, OutputStream, Secret)}.
 */
public final class RNCryptorFiles {
    /** The unit of reads, writes and hand-offs; for the cipher and MAC calls see {@link #slice}. */
    static final int BLOCK = 1 << 20;
    private static final int BUFFERS = 4;
    /** See {@link #slice}: 32,768 calls, a multiple of the AES block. */
    static final int WARM_UP_SLICE = 512;
    static final long WARM_UP_BYTES = 16L << 20;
    private static final int HMAC_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RNCryptorFiles() {
    }

    /**
     * Encrypts {@code in} (read to its end, not closed) into a new file at {@code out}, which appears
     * complete or not at all (an existing file is replaced only on success).
     */
    public static void encrypt(InputStream in, Path out, Secret secret) throws IOException {
        try (PendingFile file = new PendingFile(out)) {
            encrypt(in, file::write, secret, Header.random(secret, RANDOM));
            file.commit();
        }
    }

    /** Encrypts {@code in} to {@code out} (neither is closed; {@code out} is flushed). */
    public static void encrypt(InputStream in, OutputStream out, Secret secret) throws IOException {
        encrypt(in, out::write, secret, Header.random(secret, RANDOM));
        out.flush();
    }

    /** Same with given header parameters: for test vectors only. */
    static void encrypt(InputStream in, OutputStream out, Secret secret, Header header) throws IOException {
        encrypt(in, out::write, secret, header);
        out.flush();
    }

    /**
     * Verifies and decrypts the message in {@code in} to a new file at {@code out} (see the class
     * comment): the file appears, complete, only if the HMAC verified.
     *
     * @throws RNCryptorException if the message is malformed or does not verify; {@code out} is
     *     then as it was before
     */
    public static void decrypt(Path in, Path out, Secret secret) throws IOException {
        try (FileChannel channel = FileChannel.open(in, StandardOpenOption.READ)) {
            decrypt(channel, out, secret);
        }
    }

    /** {@link #decrypt(Path, Path, Secret)} from an open channel (not closed): tests give a wrapper. */
    static void decrypt(FileChannel in, Path out, Secret secret) throws IOException {
        try (PendingFile file = new PendingFile(out)) {
            decrypt(in, file::write, secret);
            file.commit();
            Trace.mark("decrypt: committed");
        }
    }

    /**
     * Verifies and decrypts the message in {@code in} to {@code out}; nothing is written to
     * {@code out} before the HMAC over the whole message verified. The file is read once: each chunk
     * feeds the HMAC and is decrypted into a private scratch file (0600, random name, deleted on
     * exit or failure) in {@code java.io.tmpdir}, which is copied to {@code out} only after the HMAC
     * verified and then deleted. (Reading the file twice, once to verify and once to decrypt, would
     * stream unverified plaintext if the file changed between the two reads.) The scratch file is in
     * the temporary folder, not beside the input: the input's folder may be read-only, or shared or
     * synced elsewhere, where even a private plaintext file does not belong.
     *
     * @throws RNCryptorException if the message is malformed or does not verify; {@code out} then got
     *     nothing
     */
    public static void decrypt(Path in, OutputStream out, Secret secret) throws IOException {
        try (FileChannel channel = FileChannel.open(in, StandardOpenOption.READ)) {
            decrypt(channel, out, secret);
        }
    }

    /** {@link #decrypt(Path, OutputStream, Secret)} from an open channel (not closed). */
    static void decrypt(FileChannel in, OutputStream out, Secret secret) throws IOException {
        try (PendingFile scratch = PendingFile.scratch(Path.of(System.getProperty("java.io.tmpdir")))) {
            decrypt(in, scratch::write, secret);
            scratch.copyTo(out); // verified: decrypt returned normally
        }
        out.flush();
    }

    private interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private static void encrypt(InputStream in, Sink sink, Secret secret, Header header) throws IOException {
        Trace.mark("encrypt: start");
        header.checkMatches(secret);
        byte[][] keys = Keys.derive(header, secret);
        Trace.mark("encrypt: keys derived");
        Cipher cipher = Keys.aesCbc(Cipher.ENCRYPT_MODE, keys[0], header.iv());
        Mac mac = Keys.hmac(keys[1]);
        byte[] headerBytes = header.toBytes();
        // The worker owns the Mac until finish() returns (a happens-before through the join).
        HandOff.Work<byte[]> macAndWrite = new HandOff.Work<>() {
            private long macked;

            @Override
            public void accept(byte[] buffer, int length) throws IOException {
                macked = macUpdate(mac, buffer, length, macked);
                sink.write(buffer, 0, length);
            }
        };
        byte[] plain = new byte[BLOCK];
        long encrypted = 0;
        try (HandOff<byte[]> worker = HandOff.ofArrays("safelight-hmac", BUFFERS, BLOCK + 16, macAndWrite)) {
            byte[] first = worker.take();
            System.arraycopy(headerBytes, 0, first, 0, headerBytes.length);
            worker.submit(first, headerBytes.length);
            for (boolean last = false; !last; ) {
                int n = in.readNBytes(plain, 0, BLOCK);
                last = n < BLOCK;
                byte[] out = worker.take();
                int m = 0;
                for (int off = 0, len; off < n; off += len, encrypted += len) {
                    len = Math.min(slice(encrypted), n - off);
                    m += cipher.update(plain, off, len, out, m);
                }
                if (last) {
                    m += cipher.doFinal(out, m);
                }
                worker.submit(out, m);
                Trace.every64MiB(encrypted, n, "encrypted");
            }
            worker.finish();
            Trace.mark("encrypt: all encrypted and MACed");
        } catch (ShortBufferException e) {
            throw new IllegalStateException("cipher output buffer too small", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC with padding refused to finish", e);
        }
        sink.write(mac.doFinal(), 0, HMAC_LENGTH);
    }

    private static void decrypt(FileChannel channel, Sink sink, Secret secret) throws IOException {
        Trace.mark("decrypt: start");
        long size = channel.size();
        ByteBuffer head = ByteBuffer.allocate(Header.PASSWORD_LENGTH);
        readFully(channel, head, 0);
        Header header = RNCryptor.parseAndCheckLength(head.array(), head.position(), size, secret);
        byte[][] keys = Keys.derive(header, secret);
        Trace.mark("decrypt: keys derived");
        Mac mac = Keys.hmac(keys[1]);
        Cipher cipher = Keys.aesCbc(Cipher.DECRYPT_MODE, keys[0], header.iv());
        long signedLength = size - HMAC_LENGTH;
        // The worker owns the Mac until finish() returns (a happens-before through the join).
        HandOff.Work<byte[]> macOnly = new HandOff.Work<>() {
            private long macked;

            @Override
            public void accept(byte[] buffer, int length) {
                macked = macUpdate(mac, buffer, length, macked);
                Trace.every64MiB(macked, length, "MACed");
            }
        };
        byte[] plain = new byte[BLOCK + 16];
        IOException paddingFailure = null;
        try (HandOff<byte[]> worker = HandOff.ofArrays("safelight-hmac", BUFFERS, BLOCK, macOnly)) {
            byte[] first = worker.take();
            System.arraycopy(head.array(), 0, first, 0, header.length());
            worker.submit(first, header.length());
            long decrypted = 0;
            for (long pos = header.length(); pos < signedLength; ) {
                byte[] buffer = worker.take();
                int n = (int) Math.min(BLOCK, signedLength - pos);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                readFully(channel, chunk, pos);
                if (chunk.hasRemaining()) {
                    throw new TruncatedCiphertextException("the data was shortened while it was being decrypted");
                }
                // Both passes only read the buffer; the worker gives it back after its MAC pass, and
                // this thread has decrypted it before it takes another.
                worker.submit(buffer, n);
                int m = 0;
                for (int off = 0, len; off < n; off += len, decrypted += len) {
                    len = Math.min(slice(decrypted), n - off);
                    m += cipher.update(buffer, off, len, plain, m);
                }
                sink.write(plain, 0, m);
                Trace.every64MiB(decrypted, n, "read, decrypted and written");
                pos += n;
            }
            try {
                sink.write(plain, 0, cipher.doFinal(plain, 0));
            } catch (BadPaddingException e) {
                // The HMAC key was right but the encryption key was not (possible only with raw
                // keys), or the data is damaged: the HMAC decides which, so it is reported after.
                paddingFailure = new WrongKeyException("the encryption key is wrong (the HMAC key matched)");
            } catch (GeneralSecurityException e) {
                paddingFailure = new IOException("decryption failed", e);
            }
            Trace.mark("decrypt: all read, decrypted and written");
            worker.finish();
        } catch (ShortBufferException e) {
            throw new IllegalStateException("plaintext buffer too small", e);
        }
        ByteBuffer expected = ByteBuffer.allocate(HMAC_LENGTH);
        readFully(channel, expected, signedLength);
        if (expected.hasRemaining() || !MessageDigest.isEqual(mac.doFinal(), expected.array())) {
            throw new IntegrityException();
        }
        if (paddingFailure != null) {
            throw paddingFailure;
        }
        Trace.mark("decrypt: verified");
    }

    /**
     * Feeds {@code buffer[0, length)} to the MAC in {@link #slice} calls, {@code done} bytes of the
     * message having been fed before; returns the new count.
     */
    private static long macUpdate(Mac mac, byte[] buffer, int length, long done) {
        for (int off = 0, len; off < length; off += len, done += len) {
            len = Math.min(slice(done), length - off);
            mac.update(buffer, off, len);
        }
        return done;
    }

    /**
     * How many bytes the cipher or MAC call at {@code position} of a message takes: small calls for
     * the first {@value #WARM_UP_BYTES} bytes, then {@value RNCryptor#CHUNK}.
     *
     * <p>Why: HotSpot runs AES-CBC and SHA-256 on the CPU's AES-NI and SHA instructions only inside
     * code its C2 compiler made, and C2 compiles the JCA method that calls them (for instance
     * {@code CipherBlockChaining.decrypt}) only after some thousands of <em>calls</em>. In 64 KiB
     * calls that is more than 300 MiB of input, decrypted until then by Java code at a third of
     * the speed: a 1 GiB decrypt never got there. The same thousands of calls over small slices of
     * the first MiBs cost a few milliseconds, and every byte of them is real work.
     */
    static int slice(long position) {
        return position < WARM_UP_BYTES ? WARM_UP_SLICE : RNCryptor.CHUNK;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return;
            }
        }
    }
}
