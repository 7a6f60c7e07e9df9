package org.safelight.accounts.tokens;

import io.javalin.http.Context;

/**
 * {@code GET /.well-known/jwks.json}: the public signing keys as the database holds them (read at
 * most a few seconds ago, {@link SigningKeys#publishedKeys}). Caches may keep them a minute, as
 * long as a verifier keeps its own copy ({@code JwksTokenVerifier}); verifiers fetch again anyway
 * when a token names a key they have not seen (after a rotation).
 */
public final class JwksEndpoint {
    private final SigningKeys keys;

    public JwksEndpoint(SigningKeys keys) {
        this.keys = keys;
    }

    public void handle(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=60")
                .contentType("application/json")
                .result(keys.publishedKeys().toString(true));
    }
}
