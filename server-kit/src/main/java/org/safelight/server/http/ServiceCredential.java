package org.safelight.server.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A secret the operator gives two roles of one deployment that run as separate processes, so that
 * one can prove to the other that a call comes from a role and not from a user (the cloud role
 * writing the upload log kept by the accounts role). It travels in {@link #HEADER}, never in a URL,
 * and is compared in constant time. {@link #NONE} accepts nothing: a route guarded by it is then
 * reachable in process only. Immutable; {@link #toString()} hides the secret.
 */
public record ServiceCredential(String secret) {
    /** The request header the credential is sent in. */
    public static final String HEADER = "X-Safelight-Service-Credential";
    /** Shorter secrets are refused: the credential must not be guessable. */
    public static final int MIN_LENGTH = 32;
    /** No credential: nothing over HTTP matches. */
    public static final ServiceCredential NONE = new ServiceCredential("");

    public ServiceCredential {
        if (secret == null) {
            secret = "";
        }
        if (!secret.isEmpty() && secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a service credential is at least " + MIN_LENGTH + " characters");
        }
    }

    /** Whether one was configured. */
    public boolean configured() {
        return !secret.isEmpty();
    }

    /** Whether the request carries this credential; always false for {@link #NONE}. Constant time. */
    public boolean matches(Context ctx) {
        return matches(ctx.header(HEADER));
    }

    /** Whether {@code presented} is this credential; always false for {@link #NONE}. Constant time. */
    public boolean matches(String presented) {
        if (!configured() || presented == null) {
            return false;
        }
        // Digests first, so that the comparison takes as long whatever the lengths.
        return MessageDigest.isEqual(sha256(secret), sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return configured() ? "ServiceCredential[****]" : "ServiceCredential[none]";
    }
}
