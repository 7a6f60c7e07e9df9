package org.safelight.accounts.tokens;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.internal.Secrets;

/**
 * Refresh tokens, kept by hash. Each sign-in starts a family; each refresh spends the presented
 * token and adds its successor to the family. A token presented after it was spent means two
 * parties hold it (one of them a thief), so the whole family is revoked and both must sign in
 * again; except within {@link #GRACE} of its rotation, while its successor is still unused: then
 * the same successor is given back (two tabs or processes refreshing one session at once both end
 * up with it, and whichever of them, or a thief, uses it second after that is caught as before).
 * The successor is kept sealed under a key derived from the presented token, so only a holder of
 * that token can get it back, and a copy of the database gives nothing. Thread-safe.
 */
public final class RefreshTokens {
    /** How long after a rotation the spent token still gets its successor back. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    /**
     * How a refresh went; {@code userId} and {@code familyId} are set when {@code ROTATED},
     * {@code GRACE} or {@code REUSED}; {@code refreshToken} (the token to hand out) when
     * {@code ROTATED} (the new successor) or {@code GRACE} (the successor given at the rotation).
     */
    public record Rotation(Outcome outcome, String userId, String familyId, String refreshToken) {
        public enum Outcome {
            ROTATED, GRACE, UNKNOWN, EXPIRED, REVOKED, REUSED
        }

        @Override
        public String toString() {
            return "Rotation[" + outcome + ", user=" + userId + "]";
        }
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Jdbi jdbi;

    public RefreshTokens(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores the first token of a new family (a sign-in). */
    public void add(String token, String familyId, String userId, Instant now, Instant expiresAt) {
        jdbi.useHandle(h -> insert(h, Secrets.hash(token), familyId, userId, now, expiresAt));
    }

    /**
     * Spends {@code presented} and stores {@code successor} in its family, if the presented token is
     * live; gives back the earlier successor within the grace; otherwise says why not, revoking the
     * family when the token was already spent.
     */
    public Rotation rotate(String presented, String successor, Instant now, Instant successorExpiresAt) {
        String presentedHash = Secrets.hash(presented);
        return jdbi.inTransaction(h -> {
            int spent = h.createUpdate("UPDATE refresh_tokens SET rotated_at = :now, successor_sealed = :sealed"
                            + " WHERE token_hash = :hash AND rotated_at IS NULL AND revoked_at IS NULL"
                            + " AND expires_at > :now")
                    .bind("now", now.toEpochMilli()).bind("sealed", seal(presented, successor))
                    .bind("hash", presentedHash).execute();
            Optional<Row> row = find(h, presentedHash);
            if (row.isEmpty()) {
                return new Rotation(Rotation.Outcome.UNKNOWN, null, null, null);
            }
            Row r = row.get();
            if (spent == 1) {
                insert(h, Secrets.hash(successor), r.familyId(), r.userId(), now, successorExpiresAt);
                return new Rotation(Rotation.Outcome.ROTATED, r.userId(), r.familyId(), successor);
            }
            if (r.revokedAt() != null) {
                return new Rotation(Rotation.Outcome.REVOKED, null, null, null);
            }
            if (r.rotatedAt() != null) {
                Optional<String> earlier = withinGrace(h, presented, r, now);
                if (earlier.isPresent()) {
                    return new Rotation(Rotation.Outcome.GRACE, r.userId(), r.familyId(), earlier.get());
                }
                revokeFamily(h, r.familyId(), now);
                return new Rotation(Rotation.Outcome.REUSED, r.userId(), r.familyId(), null);
            }
            return new Rotation(Rotation.Outcome.EXPIRED, null, null, null);
        });
    }

    /** Revokes the family of a token (sign-out); false when the token is unknown. */
    public boolean revokeFamilyOf(String token, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<String> family = h.createQuery("SELECT family_id FROM refresh_tokens WHERE token_hash = :hash")
                    .bind("hash", Secrets.hash(token)).mapTo(String.class).findOne();
            family.ifPresent(f -> revokeFamily(h, f, now));
            return family.isPresent();
        });
    }

    /** Revokes every token of a user (a password change, a verification); returns how many were still usable. */
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

    /** The successor handed out at the rotation, if that was within the grace and it is still unused and live. */
    private static Optional<String> withinGrace(Handle h, String presented, Row spent, Instant now) {
        if (spent.sealed() == null || now.toEpochMilli() - spent.rotatedAt() > GRACE.toMillis()) {
            return Optional.empty();
        }
        Optional<String> successor = open(presented, spent.sealed());
        return successor.filter(s -> find(h, Secrets.hash(s))
                .filter(next -> next.rotatedAt() == null && next.revokedAt() == null && next.expiresAt() > now.toEpochMilli())
                .isPresent());
    }

    private static Optional<Row> find(Handle h, String hash) {
        return h.createQuery("SELECT family_id, user_id, expires_at, rotated_at, revoked_at, successor_sealed"
                        + " FROM refresh_tokens WHERE token_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> new Row(rs.getString("family_id"), rs.getString("user_id"), rs.getLong("expires_at"),
                        rs.getObject("rotated_at") == null ? null : rs.getLong("rotated_at"),
                        rs.getObject("revoked_at") == null ? null : rs.getLong("revoked_at"),
                        rs.getString("successor_sealed")))
                .findOne();
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

    /** AES-256-GCM under SHA-256 of a label and the presented token: not the stored hash, which is of the token alone. */
    private static String seal(String presented, String successor) {
        try {
            byte[] iv = Secrets.bytes(12);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key(presented), new GCMParameterSpec(128, iv));
            byte[] sealed = c.doFinal(successor.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM", e);
        }
    }

    private static Optional<String> open(String presented, String sealed) {
        try {
            byte[] in = B64D.decode(sealed);
            if (in.length < 12 + 16) {
                return Optional.empty();
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key(presented), new GCMParameterSpec(128, in, 0, 12));
            return Optional.of(new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static SecretKeySpec key(String presented) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(("safelight refresh successor\0" + presented).getBytes(StandardCharsets.UTF_8));
        return new SecretKeySpec(digest, "AES");
    }

    private record Row(String familyId, String userId, long expiresAt, Long rotatedAt, Long revokedAt, String sealed) {
    }
}
