package org.safelight.accounts.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random secrets handed to users (link tokens, refresh tokens, API keys) and the hashes we keep of
 * them instead. A secret has 256 bits from a CSPRNG, so one SHA-256 is enough to store it: there is
 * nothing to guess that a slow hash would protect. Thread-safe.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** 256 random bits, base64url without padding (43 characters). */
    public static String token() {
        return URL.encodeToString(bytes(32));
    }

    /** A short random identifier, safe in paths and as a visible key prefix (16 hex digits). */
    public static String shortId() {
        return java.util.HexFormat.of().formatHex(bytes(8));
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** SHA-256 of the secret's UTF-8 bytes, base64url: what the database keeps. */
    public static String hash(String secret) {
        return URL.encodeToString(sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Compares two stored-form hashes in time that does not depend on where they differ. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
