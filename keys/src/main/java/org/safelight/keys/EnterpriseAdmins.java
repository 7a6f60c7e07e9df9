package org.safelight.keys;

import org.safelight.server.tokens.UserToken;

/**
 * Tells whether a signed-in user is the admin of an enterprise, as the accounts role knows it now.
 * The admin of the enterprise a report's sender belonged to sees the report's whole access log.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface EnterpriseAdmins {

    /** Whether {@code user} administers the enterprise {@code enterpriseId} (never for {@code ""}). */
    boolean administers(String enterpriseId, UserToken user);

    /** Knows no admin: for a key server running apart from the accounts role. */
    static EnterpriseAdmins none() {
        return (enterpriseId, user) -> false;
    }
}
