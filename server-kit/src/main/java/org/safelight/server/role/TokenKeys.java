package org.safelight.server.role;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * The public keys the accounts role signs tokens with, when it runs in this process: the accounts
 * wiring {@link RoleContext#provide provides} it, and {@link RoleContext#tokens} verifies against
 * it when no {@code --accounts-url} is given.
 */
@FunctionalInterface
public interface TokenKeys {
    JWKSet publicKeys();

    /**
     * The public keys for verifying a token that names {@code kid}: a source that caches may read
     * its store again first when it lacks that id (a key made by another instance).
     */
    default JWKSet publicKeysWith(String kid) {
        return publicKeys();
    }
}
