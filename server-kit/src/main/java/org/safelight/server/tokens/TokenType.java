package org.safelight.server.tokens;

import java.time.Duration;

/**
 * The kinds of token the accounts role signs, told apart by the JWS header's {@code typ}
 * (explicit typing, RFC 8725 §3.11), so that one can never pass for the other even where issuer
 * and audience coincide (all roles in one process on one origin).
 */
public enum TokenType {
    /** A signed-in user's access token for the accounts, cloud and enterprise routes (RFC 9068's type). */
    USER("at+jwt", Duration.ofMinutes(15)),
    /** A user's token for one key server's origin, got by token exchange just before a key request. */
    KEY_SERVER("key-server+jwt", Duration.ofMinutes(5)),
    /**
     * A user's token for one endpoint's origin, got by token exchange just before posting a report
     * to an institution's intake: a user token never travels to an institution's server.
     */
    ENDPOINT("endpoint+jwt", Duration.ofMinutes(5));

    private final String headerType;
    private final Duration maxLifetime;

    TokenType(String headerType, Duration maxLifetime) {
        this.headerType = headerType;
        this.maxLifetime = maxLifetime;
    }

    /** The JWS header's {@code typ}. */
    public String headerType() {
        return headerType;
    }

    /** The longest {@code exp - iat} a verifier accepts; the issuer's lifetime is at most this. */
    public Duration maxLifetime() {
        return maxLifetime;
    }
}
