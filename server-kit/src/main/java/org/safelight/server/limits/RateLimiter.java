package org.safelight.server.limits;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * Token buckets per key (an IP, an email, a user): {@code capacity} requests at once, refilled at
 * {@code perSecond}. An exhausted bucket answers 429 with {@code Retry-After}. Memory is bounded:
 * full buckets are dropped when the table grows. Thread-safe.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;

    private final double capacity;
    private final double perSecond;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int capacity, double perSecond, Clock clock) {
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.clock = clock;
    }

    /** Takes one token for {@code key}, or throws 429 naming {@code what}. */
    public void acquire(String key, String what) {
        if (buckets.size() > MAX_KEYS) {
            buckets.values().removeIf(b -> b.full(clock.millis()));
        }
        long wait = buckets.computeIfAbsent(key, k -> new Bucket(capacity, clock.millis())).take(clock.millis());
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

        /** 0 if a token was taken, else the milliseconds until one is there. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perSecond * 1000);
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
            tokens = Math.min(capacity, tokens + (now - at) / 1000.0 * perSecond);
            at = now;
        }
    }
}
