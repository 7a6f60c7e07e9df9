package org.safelight.accounts.tokens;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Refresh tokens, by hash. Each sign-in starts a family; each refresh spends the presented token
 * and adds its successor to the family. A token presented after it was spent means two parties
 * hold it (one of them a thief), so the whole family is revoked and both must sign in again.
 * Thread-safe.
 */
public final class RefreshTokens {
    /** How a refresh went; {@code userId} and {@code familyId} are set when {@code ROTATED} or {@code REUSED}. */
    public record Rotation(Outcome outcome, String userId, String familyId) {
        public enum Outcome {
            ROTATED, UNKNOWN, EXPIRED, REVOKED, REUSED
        }
    }

    private final Jdbi jdbi;

    public RefreshTokens(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores the first token of a new family (a sign-in). */
    public void add(String tokenHash, String familyId, String userId, Instant now, Instant expiresAt) {
        jdbi.useHandle(h -> insert(h, tokenHash, familyId, userId, now, expiresAt));
    }

    /**
     * Spends {@code presentedHash} and stores {@code successorHash} in its family, if the presented
     * token is live; otherwise says why not, revoking the family when the token was already spent.
     */
    public Rotation rotate(String presentedHash, String successorHash, Instant now, Instant successorExpiresAt) {
        return jdbi.inTransaction(h -> {
            int spent = h.createUpdate("UPDATE refresh_tokens SET rotated_at = :now WHERE token_hash = :hash"
                            + " AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > :now")
                    .bind("now", now.toEpochMilli()).bind("hash", presentedHash).execute();
            Optional<Row> row = h.createQuery("SELECT family_id, user_id, rotated_at, revoked_at FROM refresh_tokens"
                            + " WHERE token_hash = :hash")
                    .bind("hash", presentedHash)
                    .map((rs, ctx) -> new Row(rs.getString("family_id"), rs.getString("user_id"),
                            rs.getObject("rotated_at") != null, rs.getObject("revoked_at") != null))
                    .findOne();
            if (row.isEmpty()) {
                return new Rotation(Rotation.Outcome.UNKNOWN, null, null);
            }
            Row r = row.get();
            if (spent == 1) {
                insert(h, successorHash, r.familyId(), r.userId(), now, successorExpiresAt);
                return new Rotation(Rotation.Outcome.ROTATED, r.userId(), r.familyId());
            }
            if (r.revoked()) {
                return new Rotation(Rotation.Outcome.REVOKED, null, null);
            }
            if (r.rotated()) {
                revokeFamily(h, r.familyId(), now);
                return new Rotation(Rotation.Outcome.REUSED, r.userId(), r.familyId());
            }
            return new Rotation(Rotation.Outcome.EXPIRED, null, null);
        });
    }

    /** Revokes the family of a token (sign-out); false when the token is unknown. */
    public boolean revokeFamilyOf(String tokenHash, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<String> family = h.createQuery("SELECT family_id FROM refresh_tokens WHERE token_hash = :hash")
                    .bind("hash", tokenHash).mapTo(String.class).findOne();
            family.ifPresent(f -> revokeFamily(h, f, now));
            return family.isPresent();
        });
    }

    /** Revokes every token of a user (after a password change); returns how many were still usable. */
    public int revokeAllOf(String userId, Instant now) {
        return jdbi.inTransaction(h -> {
            long live = h.createQuery("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = :user"
                            + " AND revoked_at IS NULL AND rotated_at IS NULL AND expires_at > :now")
                    .bind("user", userId).bind("now", now.toEpochMilli()).mapTo(Long.class).one();
            h.createUpdate("UPDATE refresh_tokens SET revoked_at = :now WHERE user_id = :user AND revoked_at IS NULL")
                    .bind("now", now.toEpochMilli()).bind("user", userId).execute();
            return (int) live;
        });
    }

    /** Deletes tokens that expired before {@code cutoff}; returns how many. */
    public int purgeExpired(Instant cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM refresh_tokens WHERE expires_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli()).execute());
    }

    private static void revokeFamily(Handle h, String familyId, Instant now) {
        h.createUpdate("UPDATE refresh_tokens SET revoked_at = :now WHERE family_id = :family AND revoked_at IS NULL")
                .bind("now", now.toEpochMilli()).bind("family", familyId).execute();
    }

    private static void insert(Handle h, String tokenHash, String familyId, String userId, Instant now,
                               Instant expiresAt) {
        h.createUpdate("INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)"
                        + " VALUES (:hash, :family, :user, :now, :expires)")
                .bind("hash", tokenHash).bind("family", familyId).bind("user", userId)
                .bind("now", now.toEpochMilli()).bind("expires", expiresAt.toEpochMilli()).execute();
    }

    private record Row(String familyId, String userId, boolean rotated, boolean revoked) {
    }
}
