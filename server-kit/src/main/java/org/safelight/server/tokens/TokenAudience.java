package org.safelight.server.tokens;

import java.net.URI;

/**
 * What a verifier demands of a token (DESIGN §3, Audiences): signed by the accounts role known as
 * {@code issuer}, meant for {@code audience}, and of {@code type}. Both are origins
 * ({@link Origin}). Immutable.
 *
 * @param issuer   the accounts role's public origin: every token's {@code iss}
 * @param audience the token's {@code aud}: the issuer itself for user tokens, a key server's own
 *                 public origin for key-server tokens, an endpoint's own public origin for
 *                 endpoint tokens
 */
public record TokenAudience(String issuer, String audience, TokenType type) {

    public TokenAudience {
        issuer = Origin.of(issuer);
        audience = Origin.of(audience);
    }

    /** Accounts, cloud and enterprise routes: user tokens of the accounts role at {@code accountsUrl}. */
    public static TokenAudience users(URI accountsUrl) {
        String issuer = Origin.of(accountsUrl);
        return new TokenAudience(issuer, issuer, TokenType.USER);
    }

    /** A key server reached at {@code publicUrl}: key-server tokens scoped to that origin alone. */
    public static TokenAudience keyServer(URI accountsUrl, URI publicUrl) {
        return new TokenAudience(Origin.of(accountsUrl), Origin.of(publicUrl), TokenType.KEY_SERVER);
    }

    /** An endpoint (an institution's intake) reached at {@code publicUrl}: endpoint tokens scoped to that origin alone. */
    public static TokenAudience endpoint(URI accountsUrl, URI publicUrl) {
        return new TokenAudience(Origin.of(accountsUrl), Origin.of(publicUrl), TokenType.ENDPOINT);
    }
}
