package org.safelight.cloud;

import org.safelight.server.tokens.UserToken;

/**
 * Whether a user has confirmed their address, as their account says now: asked when their token
 * says they had not when it was issued (they may have confirmed since, while signed in), so that a
 * sign-in never keeps an outcome stale. In process when the accounts role runs in this server,
 * over HTTP ({@link HttpConfirmations}) otherwise. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Confirmations {

    /**
     * @param bearer the user's own token, for implementations that ask the accounts role with it
     * @throws AccountsUnavailableException when the accounts role could not be asked
     */
    boolean confirmedNow(UserToken user, String bearer);

    /** Only what the token says (a cloud role without an accounts role to ask; tests). */
    static Confirmations asTheTokenSays() {
        return (user, bearer) -> user.emailVerified();
    }

    /** The accounts role did not answer. */
    final class AccountsUnavailableException extends RuntimeException {
        public AccountsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
