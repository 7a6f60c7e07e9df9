package org.safelight.server.limits;

import java.time.Clock;
import java.util.function.Supplier;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * Token buckets per key (an IP, an email, a user): {@code capacity} requests at once, refilled at
 * {@code perSecond}. An exhausted bucket answers 429 with {@code Retry-After}. The buckets live in
 * this process ({@link #RateLimiter(int, double, Clock)}), or in the database so that every
 * instance on one PostgreSQL draws from the same bucket ({@link #forDatabase}). Thread-safe.
 */
public final class RateLimiter {
    private final Buckets buckets;

    /** Buckets in this process (bounded: full buckets are dropped when the table grows). */
    public RateLimiter(int capacity, double perSecond, Clock clock) {
        this(new InProcessBuckets(capacity, perSecond, clock));
    }

    private RateLimiter(Buckets buckets) {
        this.buckets = buckets;
    }

    /**
     * The limiter {@code name} (unique in the database, e.g. {@code "accounts.sign-in-per-ip"}) as
     * {@code db}'s engine calls for: on PostgreSQL its buckets are rows of {@code rate_buckets},
     * shared by every instance (each take one atomic statement); on SQLite, where one process owns
     * the data folder, they stay in memory. {@code db} must be migrated (the server migrations).
     * {@code masterKey} seals the secret that the stored bucket keys are made with; it is asked for
     * only on PostgreSQL (at once, so a missing master key stops the start, not a request).
     */
    public static RateLimiter forDatabase(Database db, Supplier<MasterKey> masterKey, String name, int capacity,
                                          double perSecond, Clock clock) {
        return switch (db.dialect()) {
            case SQLITE -> new RateLimiter(capacity, perSecond, clock);
            case POSTGRES -> shared(db, masterKey.get(), name, capacity, perSecond, clock);
        };
    }

    /** Buckets in {@code db}'s {@code rate_buckets} whatever its engine (tests; {@link #forDatabase} chooses). */
    static RateLimiter shared(Database db, MasterKey masterKey, String name, int capacity, double perSecond,
                              Clock clock) {
        return new RateLimiter(new DatabaseBuckets(db, masterKey, name, capacity, perSecond, clock));
    }

    /** Takes one token for {@code key}, or throws 429 naming {@code what}. */
    public void acquire(String key, String what) {
        long wait = buckets.take(key);
        if (wait > 0) {
            int seconds = (int) Math.max(1, (wait + 999) / 1000);
            throw new Refusal(ErrorCode.RATE_LIMITED, "too many " + what + "; try again in " + seconds + " s",
                    seconds);
        }
    }

    /**
     * Throws 429 naming {@code what} when {@code key} has nothing left, without taking anything
     * otherwise: for limits that count only failures, checked before the attempt is judged.
     */
    public void refuseIfExhausted(String key, String what) {
        if (available(key) < 1) {
            acquire(key, what); // the bucket is empty, so this takes nothing and says when to try again
        }
    }

    /** The requests {@code key} may make at once now, without taking any. */
    public int available(String key) {
        return buckets.available(key);
    }

    /** Where the buckets are kept. */
    sealed interface Buckets permits InProcessBuckets, DatabaseBuckets {
        /** 0 if a token was taken, else the milliseconds until one is there (nothing taken). */
        long take(String key);

        /** Whole tokens in the bucket now, taking none. */
        int available(String key);
    }

    /** The arithmetic of a bucket, shared by both kinds so they answer alike. */
    static long waitMillis(double tokens, double perSecond) {
        return (long) Math.ceil((1 - tokens) / perSecond * 1000);
    }
}
