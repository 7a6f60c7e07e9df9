package org.safelight.endpoint.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed step again: exponential backoff ({@code first}, doubling per attempt, at
 * most {@code max}) with jitter (a random point in the upper half of that delay, so endpoints that
 * failed together do not all retry together), and no more tries after {@code limit} attempts.
 * Immutable.
 *
 * @param random uniform in [0, 1)
 */
public record Backoff(Duration first, Duration max, int limit, DoubleSupplier random) {

    public static Backoff standard(int limit) {
        return new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), limit, Math::random);
    }

    /**
     * The next try after the {@code attempts}-th failed attempt (1 for the first failure), or null
     * when that was the last allowed one: park it.
     */
    public Instant next(Instant now, int attempts) {
        if (attempts >= limit) {
            return null;
        }
        long base = first.toMillis();
        long delay = attempts >= 40 ? max.toMillis() : Math.min(max.toMillis(), base << Math.max(0, attempts - 1));
        long jittered = delay / 2 + (long) (random.getAsDouble() * (delay - delay / 2));
        return now.plusMillis(Math.max(1, jittered));
    }
}
