package org.safelight.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.cryptonode.jncryptor.AES256JNCryptorInputStream;
import org.cryptonode.jncryptor.AES256JNCryptorOutputStream;
import org.cryptonode.jncryptor.CryptorException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.safelight.format.rncryptor.EncryptingOutputStream;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;

/**
 * Throughput of our RNCryptor v3 (streams and in-memory calls) against JNCryptor on {@value #SIZE}
 * bytes of random data.
 *
 * <p>One operation is one whole 64 MiB message, so MB/s = ops/s x 67.108864. The {@code _keys} cases
 * use raw keys and measure the pure data path; the {@code _password} cases add the fixed
 * per-message PBKDF2 cost (two derivations of 10,000 iterations), which
 * {@link RNCryptorKeyDerivation} measures on its own.
 *
 * <p>Writers and readers move {@value #IO_CHUNK}-byte slices, as a copy loop would. Decrypting
 * files reads them from {@code java.io.tmpdir}; after the first operation they are in the page
 * cache, so this measures the CPU path, not the disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A fixed, pre-touched heap: the in-memory cases allocate 128 MiB per operation, and a growing
// heap would make them measure page faults (on JDK 25 they ran 4x slower without this).
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RNCryptorThroughput {
    static final int SIZE = 64 * 1024 * 1024;
    static final int IO_CHUNK = 64 * 1024;
    private static final String PASSWORD = "correct horse battery staple";

    private byte[] plaintext;
    private Secret keys;
    private Secret password;
    private SecretKey jncEncryptionKey;
    private SecretKey jncHmacKey;
    private Path sealedWithKeys;
    private Path sealedWithPassword;
    private byte[] sealedWithKeysInMemory;

    @Setup
    public void setUp() throws IOException {
        SplittableRandom random = new SplittableRandom(20261122);
        plaintext = new byte[SIZE];
        random.nextBytes(plaintext);
        byte[] encryptionKey = new byte[RNCryptor.KEY_LENGTH];
        byte[] hmacKey = new byte[RNCryptor.KEY_LENGTH];
        random.nextBytes(encryptionKey);
        random.nextBytes(hmacKey);
        keys = Secret.keys(encryptionKey, hmacKey);
        password = Secret.password(PASSWORD);
        jncEncryptionKey = new SecretKeySpec(encryptionKey, "AES");
        jncHmacKey = new SecretKeySpec(hmacKey, "HmacSHA256");

        sealedWithKeys = seal(keys);
        sealedWithPassword = seal(password);
        sealedWithKeysInMemory = Files.readAllBytes(sealedWithKeys);
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(sealedWithKeys);
        Files.deleteIfExists(sealedWithPassword);
    }

    private Path seal(Secret secret) throws IOException {
        Path file = Files.createTempFile("safelight-bench-", ".rncryptor");
        try (EncryptingOutputStream out = RNCryptor.encryptingStream(Files.newOutputStream(file), secret)) {
            writeInSlices(out);
        }
        return file;
    }

    // ---- encrypt: plaintext in memory, ciphertext to a counting sink ----

    @Benchmark
    public long encrypt_ours_keys() throws IOException {
        return encryptOurs(keys);
    }

    @Benchmark
    public long encrypt_ours_password() throws IOException {
        return encryptOurs(password);
    }

    @Benchmark
    public long encrypt_jncryptor_stream_keys() throws IOException, CryptorException {
        CountingSink sink = new CountingSink();
        try (OutputStream out = new AES256JNCryptorOutputStream(sink, jncEncryptionKey, jncHmacKey)) {
            writeInSlices(out);
        }
        return sink.count;
    }

    @Benchmark
    public int encrypt_jncryptor_memory_keys() throws CryptorException {
        return new AES256JNCryptor().encryptData(plaintext, jncEncryptionKey, jncHmacKey).length;
    }

    /** {@code RNCryptor.encrypt(byte[])}: the same stream, into a byte array. */
    @Benchmark
    public int encrypt_ours_memory_keys() {
        return RNCryptor.encrypt(plaintext, keys).length;
    }

    private long encryptOurs(Secret secret) throws IOException {
        CountingSink sink = new CountingSink();
        try (EncryptingOutputStream out = RNCryptor.encryptingStream(sink, secret)) {
            writeInSlices(out);
        }
        return sink.count;
    }

    private void writeInSlices(OutputStream out) throws IOException {
        for (int off = 0; off < plaintext.length; off += IO_CHUNK) {
            out.write(plaintext, off, Math.min(IO_CHUNK, plaintext.length - off));
        }
    }

    // ---- decrypt: ciphertext from a file (or memory), plaintext read and dropped ----

    /** The real path: verify the whole file's HMAC, then decrypt it in a second pass. */
    @Benchmark
    public long decrypt_ours_file_keys() throws IOException {
        try (InputStream in = RNCryptor.openVerified(sealedWithKeys, keys)) {
            return drain(in);
        }
    }

    @Benchmark
    public long decrypt_ours_file_password() throws IOException {
        try (InputStream in = RNCryptor.openVerified(sealedWithPassword, password)) {
            return drain(in);
        }
    }

    /** An upload: the stream is first spooled, still encrypted, to a temporary file. */
    @Benchmark
    public long decrypt_ours_spooled_keys() throws IOException {
        try (InputStream in = RNCryptor.openVerified(Files.newInputStream(sealedWithKeys), keys)) {
            return drain(in);
        }
    }

    /** Single pass: JNCryptor hands out plaintext before the HMAC is checked (at end of stream). */
    @Benchmark
    public long decrypt_jncryptor_stream_keys() throws IOException {
        InputStream file = new BufferedInputStream(Files.newInputStream(sealedWithKeys), IO_CHUNK);
        try (InputStream in = new AES256JNCryptorInputStream(file, jncEncryptionKey, jncHmacKey)) {
            return drain(in);
        }
    }

    @Benchmark
    public int decrypt_jncryptor_memory_keys() throws CryptorException {
        return new AES256JNCryptor().decryptData(sealedWithKeysInMemory, jncEncryptionKey, jncHmacKey).length;
    }

    @Benchmark
    public int decrypt_ours_memory_keys() throws IOException {
        return RNCryptor.decrypt(sealedWithKeysInMemory, keys).length;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[IO_CHUNK];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        if (total != SIZE) {
            throw new IllegalStateException("decrypted " + total + " bytes, expected " + SIZE);
        }
        return total;
    }

    /** Counts what it is given, so the ciphertext is neither kept nor optimised away. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
