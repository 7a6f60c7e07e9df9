package org.safelight.server.enterprise;

import org.safelight.server.tokens.UserToken;

/**
 * Tells whether a signed-in user administers an enterprise, as the accounts role knows it now (not
 * as their token said when it was signed): the address the account has confirmed is the
 * enterprise's admin address. The accounts role answers in process; other roles in another process
 * ask it over HTTP ({@link HttpEnterpriseAdmins}). Implementations are thread-safe.
 */
@FunctionalInterface
public interface EnterpriseAdmins {

    /**
     * Whether {@code user} administers {@code enterpriseId} (never for a null or empty id).
     *
     * @throws EnterpriseAuthorityUnavailableException when the accounts role cannot be asked;
     *         callers fail closed (503), never treating it as "not an admin" silently
     */
    boolean administers(String enterpriseId, UserToken user);

    /** Knows no admin: for a role running apart from accounts without a way to ask it. */
    static EnterpriseAdmins none() {
        return (enterpriseId, user) -> false;
    }
}
