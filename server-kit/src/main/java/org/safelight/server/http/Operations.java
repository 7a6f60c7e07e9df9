package org.safelight.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ServerApp} needs to be watched and stopped by an operator: the readiness checks, the
 * registry requests are timed on, the token that opens {@code /metrics} on the main port (none: not
 * served there), and how long a stop waits for requests in flight (zero: not at all).
 *
 * @param metricsToken  when present, {@code GET /metrics} answers the registry's Prometheus text to
 *                      {@code Authorization: Bearer <token>}; the registry must then be a
 *                      {@link PrometheusMeterRegistry}
 * @param shutdownGrace how long stopping waits for requests in flight; zero stops at once
 */
public record Operations(Readiness readiness, MeterRegistry meters, Optional<String> metricsToken,
                         Duration shutdownGrace) {
    public Operations {
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        metricsToken = metricsToken.filter(t -> !t.isBlank());
        if (metricsToken.isPresent() && !(meters instanceof PrometheusMeterRegistry)) {
            throw new IllegalArgumentException("/metrics needs a Prometheus registry");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("the shutdown grace cannot be negative");
        }
    }

    /** For servers tests start: no checks, a private registry, no {@code /metrics}, an immediate stop. */
    public static Operations defaults() {
        return new Operations(Readiness.none(), new SimpleMeterRegistry(), Optional.empty(), Duration.ZERO);
    }

    /**
     * Whether {@code authorization} (the header's value) is {@code Bearer} and the metrics token,
     * compared in constant time: both sides are hashed first, so neither the length nor any prefix
     * of the token shows in the time an answer takes.
     */
    boolean opensMetrics(String authorization) {
        return metricsToken.isPresent() && bearer(metricsToken.get(), authorization);
    }

    /** Whether {@code authorization} is {@code Bearer token}, compared in constant time (see {@link #opensMetrics}). */
    static boolean bearer(String token, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(authorization.substring(7).strip()), sha256(token));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
