package org.safelight.server.limits;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;

/**
 * Token buckets in the table {@code rate_buckets}, shared by every process on the database. A take
 * is one statement, so two instances cannot both take a bucket's last token: the upsert refills the
 * bucket for the time since its last use, takes a token if there is a whole one, and returns what
 * it did. Keys are stored as an HMAC under a secret of the deployment ({@link BucketKeys}: no
 * address or account in the table, and none found again by trying candidates). Buckets that have had the
 * time to fill up again are deleted on the fly, at most once a minute per limiter. Clocks of the
 * instances may differ a little: time never runs backwards for a bucket. Thread-safe.
 */
final class DatabaseBuckets implements RateLimiter.Buckets {
    private static final long PURGE_EVERY_MILLIS = 60_000;
    private static final String ELAPSED =
            "(CASE WHEN :now > rate_buckets.at THEN :now - rate_buckets.at ELSE 0 END) / 1000.0 * :rate";
    private static final String REFILLED = "(CASE WHEN rate_buckets.tokens + " + ELAPSED + " > :capacity"
            + " THEN :capacity ELSE rate_buckets.tokens + " + ELAPSED + " END)";
    private static final String TAKE = "INSERT INTO rate_buckets (limiter, bucket_key, tokens, at, taken)"
            + " VALUES (:limiter, :key, :capacity - 1, :now, 1)"
            + " ON CONFLICT (limiter, bucket_key) DO UPDATE SET"
            + " tokens = CASE WHEN " + REFILLED + " >= 1 THEN " + REFILLED + " - 1 ELSE " + REFILLED + " END,"
            + " taken = CASE WHEN " + REFILLED + " >= 1 THEN 1 ELSE 0 END,"
            + " at = CASE WHEN :now > rate_buckets.at THEN :now ELSE rate_buckets.at END"
            + " RETURNING tokens, taken";

    private final Jdbi jdbi;
    private final String name;
    private final double capacity;
    private final double perSecond;
    private final long fillMillis;
    private final Clock clock;
    private final BucketKeys keys;
    private final AtomicLong nextPurge = new AtomicLong();

    DatabaseBuckets(Database db, MasterKey masterKey, String name, int capacity, double perSecond, Clock clock) {
        this.jdbi = db.jdbi();
        this.keys = new BucketKeys(jdbi, masterKey);
        this.name = name;
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.fillMillis = (long) Math.ceil(capacity / perSecond * 1000);
        this.clock = clock;
    }

    @Override
    public long take(String key) {
        long now = clock.millis();
        purgeNowAndThen(now);
        return jdbi.withHandle(h -> h.createQuery(TAKE).bind("limiter", name).bind("key", keys.of(key))
                .bind("capacity", capacity).bind("rate", perSecond).bind("now", now)
                .map((rs, ctx) -> rs.getInt("taken") == 1 ? 0L : RateLimiter.waitMillis(rs.getDouble("tokens"), perSecond))
                .one());
    }

    @Override
    public int available(String key) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createQuery("SELECT tokens, at FROM rate_buckets"
                        + " WHERE limiter = :limiter AND bucket_key = :key")
                .bind("limiter", name).bind("key", keys.of(key))
                .map((rs, ctx) -> (int) Math.floor(Math.min(capacity,
                        rs.getDouble("tokens") + Math.max(0, now - rs.getLong("at")) / 1000.0 * perSecond)))
                .findOne().orElse((int) capacity));
    }

    /** A bucket untouched for the time it takes to fill is full: the same as no row. */
    private void purgeNowAndThen(long now) {
        long due = nextPurge.get();
        if (now < due || !nextPurge.compareAndSet(due, now + PURGE_EVERY_MILLIS)) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM rate_buckets WHERE limiter = :limiter AND at < :cutoff")
                .bind("limiter", name).bind("cutoff", now - fillMillis).execute());
    }
}
