package org.safelight.accounts.storage;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;
import org.safelight.client.storage.StorageProvider;

/**
 * The OAuth {@code state} of connections being made ({@code storage_oauth_states}): issued to one
 * user for one service, good for {@link #LIFETIME} and for one finish. Kept in the database so that
 * any instance can finish what another started. Thread-safe.
 */
final class OAuthStates {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final Clock clock;

    OAuthStates(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A new state for the user and service ("box." or "dropbox." and 32 random bytes). */
    String issue(String userId, StorageProvider provider) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String state = provider.code() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        long now = clock.millis();
        jdbi.useHandle(h -> {
            h.createUpdate("DELETE FROM storage_oauth_states WHERE expires_at < :now").bind("now", now).execute();
            h.createUpdate("INSERT INTO storage_oauth_states (state, user_id, provider, expires_at)"
                            + " VALUES (:state, :user, :provider, :expires)")
                    .bind("state", state).bind("user", userId).bind("provider", provider.code())
                    .bind("expires", now + LIFETIME.toMillis()).execute();
        });
        return state;
    }

    /**
     * Uses up the state: whether it was issued to this user for this service and is still good. The
     * delete is the check, so two finishes with one state cannot both pass.
     */
    boolean redeem(String state, String userId, StorageProvider provider) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM storage_oauth_states WHERE state = :state"
                        + " AND user_id = :user AND provider = :provider AND expires_at >= :now")
                .bind("state", state).bind("user", userId).bind("provider", provider.code())
                .bind("now", clock.millis()).execute()) == 1;
    }
}
