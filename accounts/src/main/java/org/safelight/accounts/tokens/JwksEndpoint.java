package org.safelight.accounts.tokens;

import io.javalin.http.Context;

/**
 * {@code GET /.well-known/jwks.json}: the public signing keys. Caches may keep them five minutes;
 * verifiers fetch again anyway when a token names a key they have not seen (after a rotation).
 */
public final class JwksEndpoint {
    private final SigningKeys keys;

    public JwksEndpoint(SigningKeys keys) {
        this.keys = keys;
    }

    public void handle(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300")
                .contentType("application/json")
                .result(keys.publicKeys().toString(true));
    }
}
