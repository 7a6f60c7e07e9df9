package org.safelight.server.tokens;

import java.time.Instant;

/**
 * The claims of a verified user token (DESIGN §3): who the user is as the accounts role vouches
 * for them. {@code enterpriseId} is empty when the user belongs to none. Immutable.
 */
public record UserToken(String userId, String email, boolean emailVerified, String name, String title,
                        String country, String enterpriseId, boolean pro, Instant issuedAt, Instant expiresAt) {

    public boolean inEnterprise() {
        return enterpriseId != null && !enterpriseId.isEmpty();
    }
}
