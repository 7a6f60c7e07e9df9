package org.safelight.accounts;

import java.time.Clock;
import java.util.function.Supplier;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.limits.RateLimiter;

/**
 * The accounts role's rate limits. Sign-in is limited per client address, and failed sign-ins per
 * account address and client network (429 with Retry-After and the wait in words), so that
 * strangers' failures never refuse the owner's correct password; requests that send mail per client
 * address (429) and per recipient (beyond it nothing is sent, without telling the client, so the
 * answer stays the same for every address).
 */
public record RateLimits(RateLimiter signInPerIp, RateLimiter signInPerEmail, RateLimiter mailPerIp,
                         RateLimiter mailPerAddress) {

    /**
     * Defaults: sign-in 30 at once then 1 per 2 s per client, 10 failures then 1 per 30 s per account
     * and client network;
     * mail-sending requests 10 then 1 per minute per client, 3 messages then 1 per 10 minutes per
     * recipient.
     */
    public static RateLimits standard(Clock clock) {
        return new RateLimits(new RateLimiter(30, 0.5, clock), new RateLimiter(10, 1 / 30.0, clock),
                new RateLimiter(10, 1 / 60.0, clock), new RateLimiter(3, 1 / 600.0, clock));
    }

    /**
     * The defaults, kept as {@code db}'s engine calls for ({@link RateLimiter#forDatabase}): shared
     * by every instance on PostgreSQL (bucket keys made under a secret sealed by {@code masterKey}),
     * in this process on SQLite.
     */
    public static RateLimits standard(Database db, Supplier<MasterKey> masterKey, Clock clock) {
        return new RateLimits(RateLimiter.forDatabase(db, masterKey, "accounts.sign-in-per-ip", 30, 0.5, clock),
                RateLimiter.forDatabase(db, masterKey, "accounts.sign-in-failures-per-account", 10, 1 / 30.0, clock),
                RateLimiter.forDatabase(db, masterKey, "accounts.mail-per-ip", 10, 1 / 60.0, clock),
                RateLimiter.forDatabase(db, masterKey, "accounts.mail-per-address", 3, 1 / 600.0, clock));
    }
}
