package org.safelight.bench;

import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JVM's own ceiling for RNCryptor: each JCA primitive alone over the same 64 MiB, in the same
 * 64 KiB calls as our streams, so its figures compare with {@code openssl speed} and with
 * {@link RNCryptorThroughput}. One operation is 64 MiB: MB/s = ops/s x 67.108864.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RNCryptorPrimitives {
    private final byte[] data = new byte[RNCryptorThroughput.SIZE];
    private final byte[] out = new byte[RNCryptorThroughput.IO_CHUNK + 16];
    private SecretKeySpec aesKey;
    private SecretKeySpec hmacKey;
    private IvParameterSpec iv;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20261122);
        random.nextBytes(data);
        byte[] key = new byte[32];
        byte[] ivBytes = new byte[16];
        random.nextBytes(key);
        random.nextBytes(ivBytes);
        aesKey = new SecretKeySpec(key, "AES");
        hmacKey = new SecretKeySpec(key, "HmacSHA256");
        iv = new IvParameterSpec(ivBytes);
    }

    @Benchmark
    public int aes256cbc_encrypt() throws GeneralSecurityException {
        return cbc(Cipher.ENCRYPT_MODE, "AES/CBC/PKCS5Padding");
    }

    /** No padding: the data is random, not a real ciphertext, so PKCS#7 would fail at the end. */
    @Benchmark
    public int aes256cbc_decrypt() throws GeneralSecurityException {
        return cbc(Cipher.DECRYPT_MODE, "AES/CBC/NoPadding");
    }

    @Benchmark
    public byte[] hmacSha256() throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(hmacKey);
        for (int off = 0; off < data.length; off += RNCryptorThroughput.IO_CHUNK) {
            mac.update(data, off, RNCryptorThroughput.IO_CHUNK);
        }
        return mac.doFinal();
    }

    private int cbc(int mode, String transformation) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(transformation);
        cipher.init(mode, aesKey, iv);
        int total = 0;
        for (int off = 0; off < data.length; off += RNCryptorThroughput.IO_CHUNK) {
            total += cipher.update(data, off, RNCryptorThroughput.IO_CHUNK, out, 0);
        }
        return total + cipher.doFinal(out, 0);
    }
}
