package org.safelight.server.limits;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets in this process; at most {@link #MAX_KEYS} before full ones are dropped. Thread-safe. */
final class InProcessBuckets implements RateLimiter.Buckets {
    private static final int MAX_KEYS = 100_000;

    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    InProcessBuckets(int capacity, double perSecond, Clock clock) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.clock = clock;
    }

    @Override
    public long take(String key) {
        if (buckets.size() > MAX_KEYS) {
            buckets.values().removeIf(b -> b.full(clock.millis()));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(capacity, clock.millis())).take(clock.millis());
    }

    @Override
    public int available(String key) {
        Bucket b = buckets.get(key);
        return b == null ? (int) capacity : b.available(clock.millis());
    }

    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return RateLimiter.waitMillis(tokens, perSecond);
        }

        synchronized int available(long now) {
            refill(now);
            return (int) Math.floor(tokens);
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + Math.max(0, now - at) / 1000.0 * perSecond);
            at = Math.max(at, now);
        }
    }
}
