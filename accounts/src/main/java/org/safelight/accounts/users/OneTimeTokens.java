package org.safelight.accounts.users;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.internal.Secrets;

/**
 * The tokens in the links we email (verify an address, reset a password). Only their hashes are
 * stored; each is redeemed at most once, before it expires. Thread-safe.
 */
public final class OneTimeTokens {
    public enum Purpose {
        VERIFY_EMAIL, RESET_PASSWORD
    }

    /**
     * Where a token stands: {@code USABLE} (looked up, still good), {@code REDEEMED} (this call spent
     * it), or why it cannot be used. {@code userId} is set for {@code USABLE} and {@code REDEEMED}.
     */
    public record Redemption(Status status, String userId) {
        public enum Status {
            USABLE, REDEEMED, UNKNOWN, EXPIRED, USED
        }
    }

    private final Jdbi jdbi;

    public OneTimeTokens(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores the hash of a token just sent to the user. */
    public void add(String tokenHash, Purpose purpose, String userId, Instant now, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO one_time_tokens (token_hash, purpose, user_id, created_at,"
                        + " expires_at) VALUES (:hash, :purpose, :user, :now, :expires)")
                .bind("hash", tokenHash).bind("purpose", purpose.name()).bind("user", userId)
                .bind("now", now.toEpochMilli()).bind("expires", expiresAt.toEpochMilli()).execute());
    }

    /**
     * {@link #lookup} for a token as a client presented it: one that is missing, blank or longer than
     * any we issue is {@code UNKNOWN} without a query; otherwise it is looked up by its hash.
     */
    public Redemption lookupPresented(String token, Purpose purpose, Instant now) {
        if (token == null || token.isBlank() || token.length() > 128) {
            return new Redemption(Redemption.Status.UNKNOWN, null);
        }
        return lookup(Secrets.hash(token), purpose, now);
    }

    /** Where the token stands, without spending it (e.g. before showing the reset form). */
    public Redemption lookup(String tokenHash, Purpose purpose, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT user_id, expires_at, used_at FROM one_time_tokens"
                        + " WHERE token_hash = :hash AND purpose = :purpose")
                .bind("hash", tokenHash).bind("purpose", purpose.name())
                .map((rs, ctx) -> {
                    if (rs.getObject("used_at") != null) {
                        return new Redemption(Redemption.Status.USED, null);
                    }
                    if (rs.getLong("expires_at") <= now.toEpochMilli()) {
                        return new Redemption(Redemption.Status.EXPIRED, null);
                    }
                    return new Redemption(Redemption.Status.USABLE, rs.getString("user_id"));
                })
                .findOne()
                .orElse(new Redemption(Redemption.Status.UNKNOWN, null)));
    }

    /**
     * Marks the token used if it is unused and unexpired; the conditional update makes two racing
     * redemptions of one token end with exactly one winner.
     */
    public Redemption redeem(String tokenHash, Purpose purpose, Instant now) {
        return jdbi.inTransaction(h -> {
            int won = h.createUpdate("UPDATE one_time_tokens SET used_at = :now WHERE token_hash = :hash"
                            + " AND purpose = :purpose AND used_at IS NULL AND expires_at > :now")
                    .bind("now", now.toEpochMilli()).bind("hash", tokenHash).bind("purpose", purpose.name())
                    .execute();
            Optional<Row> row = h.createQuery("SELECT user_id, used_at FROM one_time_tokens"
                            + " WHERE token_hash = :hash AND purpose = :purpose")
                    .bind("hash", tokenHash).bind("purpose", purpose.name())
                    .map((rs, ctx) -> new Row(rs.getString("user_id"), rs.getObject("used_at") != null))
                    .findOne();
            if (row.isEmpty()) {
                return new Redemption(Redemption.Status.UNKNOWN, null);
            }
            if (won == 1) {
                return new Redemption(Redemption.Status.REDEEMED, row.get().userId());
            }
            return new Redemption(row.get().used() ? Redemption.Status.USED : Redemption.Status.EXPIRED, null);
        });
    }

    /** Spends every outstanding token of a user for a purpose (e.g. older reset links after a reset). */
    public void useAll(String userId, Purpose purpose, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE one_time_tokens SET used_at = :now WHERE user_id = :user"
                        + " AND purpose = :purpose AND used_at IS NULL")
                .bind("now", now.toEpochMilli()).bind("user", userId).bind("purpose", purpose.name()).execute());
    }

    /** Deletes tokens that expired before {@code cutoff}; returns how many. */
    public int purgeExpired(Instant cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM one_time_tokens WHERE expires_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli()).execute());
    }

    private record Row(String userId, boolean used) {
    }
}
