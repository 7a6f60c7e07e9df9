package org.safelight.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.cryptonode.jncryptor.CryptorException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.safelight.format.rncryptor.EncryptingOutputStream;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;

/**
 * The fixed cost of a password-mode message: sealing an empty message, which is two PBKDF2-HMAC-SHA1
 * derivations of 10,000 iterations each and almost nothing else. Paid once per message, whatever
 * its size, by both the sender and the reader.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RNCryptorKeyDerivation {
    private static final String PASSWORD = "correct horse battery staple";

    private final Secret password = Secret.password(PASSWORD);
    private final char[] passwordChars = PASSWORD.toCharArray();

    @Benchmark
    public void passwordKeys_ours() throws IOException {
        try (EncryptingOutputStream out = RNCryptor.encryptingStream(OutputStream.nullOutputStream(), password)) {
            out.finish();
        }
    }

    @Benchmark
    public byte[] passwordKeys_jncryptor() throws CryptorException {
        return new AES256JNCryptor().encryptData(new byte[0], passwordChars);
    }
}
