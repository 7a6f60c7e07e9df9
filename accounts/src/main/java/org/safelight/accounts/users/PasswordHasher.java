package org.safelight.accounts.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.safelight.accounts.internal.Secrets;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded base64), so the parameters
 * travel with each hash and can be raised later ({@link #needsRehash}). Passwords are NFKC
 * normalized first, so the same password typed on different keyboards matches. Each hash needs
 * {@code m} KiB of memory: a semaphore bounds how many run at once. Thread-safe.
 */
public final class PasswordHasher {
    /** Argon2id cost: memory in KiB, iterations, lanes. */
    public record Cost(int memoryKiB, int iterations, int parallelism) {
        /** 19 MiB, 2 passes, 1 lane: the OWASP baseline for Argon2id. */
        public static final Cost DEFAULT = new Cost(19 * 1024, 2, 1);

        public Cost {
            if (memoryKiB < 8 * parallelism || memoryKiB > 1024 * 1024 || iterations < 1 || iterations > 100
                    || parallelism < 1 || parallelism > 16) {
                throw new IllegalArgumentException("Argon2 cost out of range: m=" + memoryKiB + ", t=" + iterations
                        + ", p=" + parallelism);
            }
        }
    }

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Cost cost;
    private final Semaphore running;
    private final String dummy;

    /** @param maxConcurrent how many hashes may run at once (each takes {@code cost.memoryKiB()} of heap) */
    public PasswordHasher(Cost cost, int maxConcurrent) {
        this.cost = cost;
        this.running = new Semaphore(maxConcurrent, true);
        this.dummy = hash(Secrets.token());
    }

    /** Default cost, as many concurrent hashes as processors (at least two). */
    public static PasswordHasher standard() {
        return new PasswordHasher(Cost.DEFAULT, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public String hash(String password) {
        byte[] salt = Secrets.bytes(SALT_BYTES);
        byte[] out = derive(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKiB() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Whether {@code password} matches {@code phc}; the comparison takes the same time wherever
     * the bytes differ. A malformed hash never matches.
     */
    public boolean verify(String password, String phc) {
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return false;
        }
        Cost stored;
        byte[] salt;
        byte[] expected;
        try {
            stored = new Cost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            salt = B64D.decode(m.group(4));
            expected = B64D.decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] actual = derive(password, salt, stored, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Spends the work of one verification without any account, so that a sign-in for an unknown
     * address takes as long as one with a wrong password.
     */
    public void verifyNothing(String password) {
        verify(password, dummy);
    }

    /** Whether a stored hash was made with another cost than the current one. */
    public boolean needsRehash(String phc) {
        Matcher m = PHC.matcher(phc);
        return !m.matches() || Integer.parseInt(m.group(1)) != cost.memoryKiB()
                || Integer.parseInt(m.group(2)) != cost.iterations() || Integer.parseInt(m.group(3)) != cost.parallelism();
    }

    /** The form of a password that is hashed, and that {@link PasswordRules} judges: NFKC. */
    static String normalized(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    private byte[] derive(String password, byte[] salt, Cost c, int length) {
        byte[] pw = normalized(password).getBytes(StandardCharsets.UTF_8);
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(c.memoryKiB()).withIterations(c.iterations()).withParallelism(c.parallelism())
                .withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        running.acquireUninterruptibly();
        try {
            generator.generateBytes(pw, out);
        } finally {
            running.release();
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
