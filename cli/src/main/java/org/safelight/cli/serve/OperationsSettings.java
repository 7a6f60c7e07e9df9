package org.safelight.cli.serve;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.safelight.cli.logs.LogFormat;

/**
 * How the server is watched and stopped ({@link OperationsOptions}).
 *
 * @param metricsPort   a second listener serving only {@code /metrics}; empty: none
 * @param metricsToken  opens {@code /metrics} on the main port to {@code Authorization: Bearer}; empty: not served there
 * @param logFormat     text lines or JSON lines on stderr
 * @param shutdownGrace how long a stop waits for requests in flight
 */
public record OperationsSettings(OptionalInt metricsPort, Optional<String> metricsToken, LogFormat logFormat,
                                 Duration shutdownGrace) {
    /** No metrics served, text logs, 20 s for requests in flight. */
    public static final OperationsSettings DEFAULTS = new OperationsSettings(OptionalInt.empty(), Optional.empty(),
            LogFormat.TEXT, Duration.ofSeconds(20));

    public OperationsSettings {
        Objects.requireNonNull(metricsPort, "metricsPort");
        metricsToken = metricsToken.filter(t -> !t.isBlank());
        Objects.requireNonNull(logFormat, "logFormat");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("--shutdown-grace cannot be negative");
        }
        if (metricsPort.isPresent() && (metricsPort.getAsInt() < 0 || metricsPort.getAsInt() > 65535)) {
            throw new IllegalArgumentException("--metrics-port is a port number (0 picks a free one)");
        }
    }

    public OperationsSettings withMetricsPort(int port) {
        return new OperationsSettings(OptionalInt.of(port), metricsToken, logFormat, shutdownGrace);
    }

    public OperationsSettings withMetricsToken(String token) {
        return new OperationsSettings(metricsPort, Optional.of(token), logFormat, shutdownGrace);
    }

    public OperationsSettings withShutdownGrace(Duration grace) {
        return new OperationsSettings(metricsPort, metricsToken, logFormat, grace);
    }

    /** For the effective configuration in the log; the token masked. */
    Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("metrics-port", metricsPort.isPresent() ? Integer.toString(metricsPort.getAsInt()) : "(none)");
        d.put("metrics-token", metricsToken.isPresent() ? "****" : "(none)");
        d.put("log-format", logFormat.name().toLowerCase(java.util.Locale.ROOT));
        d.put("shutdown-grace", shutdownGrace.toSeconds() + " s");
        return d;
    }
}
