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
 * @param metricsHost   the address that listener binds (loopback unless widened)
 * @param metricsToken  opens {@code /metrics} on the main port to {@code Authorization: Bearer}; empty: not
 *                      served there. Also required on the metrics port when set.
 * @param logFormat     text lines or JSON lines on stderr
 * @param shutdownDrain on a stop, how long the server keeps serving while {@code /health/ready} already fails
 * @param shutdownGrace then how long a stop waits for requests in flight
 */
public record OperationsSettings(OptionalInt metricsPort, String metricsHost, Optional<String> metricsToken,
                                 LogFormat logFormat, Duration shutdownDrain, Duration shutdownGrace) {
    /** Where the metrics listener binds unless told otherwise: reachable from this machine only. */
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * No metrics served, text logs, no drain delay, 20 s for requests in flight. (The flag
     * {@code --shutdown-drain} defaults to 5 s; embedded servers and tests stop without a drain.)
     */
    public static final OperationsSettings DEFAULTS = new OperationsSettings(OptionalInt.empty(), LOOPBACK,
            Optional.empty(), LogFormat.TEXT, Duration.ZERO, Duration.ofSeconds(20));

    public OperationsSettings {
        Objects.requireNonNull(metricsPort, "metricsPort");
        metricsHost = metricsHost == null || metricsHost.isBlank() ? LOOPBACK : metricsHost.strip();
        metricsToken = metricsToken.filter(t -> !t.isBlank());
        Objects.requireNonNull(logFormat, "logFormat");
        if (shutdownDrain.isNegative()) {
            throw new IllegalArgumentException("--shutdown-drain cannot be negative");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("--shutdown-grace cannot be negative");
        }
        if (metricsPort.isPresent() && (metricsPort.getAsInt() < 0 || metricsPort.getAsInt() > 65535)) {
            throw new IllegalArgumentException("--metrics-port is a port number (0 picks a free one)");
        }
    }

    /** Before {@code --metrics-host} and {@code --shutdown-drain}: loopback, no drain. */
    public OperationsSettings(OptionalInt metricsPort, Optional<String> metricsToken, LogFormat logFormat,
                              Duration shutdownGrace) {
        this(metricsPort, LOOPBACK, metricsToken, logFormat, Duration.ZERO, shutdownGrace);
    }

    public OperationsSettings withMetricsPort(int port) {
        return new OperationsSettings(OptionalInt.of(port), metricsHost, metricsToken, logFormat, shutdownDrain,
                shutdownGrace);
    }

    public OperationsSettings withMetricsHost(String host) {
        return new OperationsSettings(metricsPort, host, metricsToken, logFormat, shutdownDrain, shutdownGrace);
    }

    public OperationsSettings withMetricsToken(String token) {
        return new OperationsSettings(metricsPort, metricsHost, Optional.of(token), logFormat, shutdownDrain,
                shutdownGrace);
    }

    public OperationsSettings withLogFormat(LogFormat format) {
        return new OperationsSettings(metricsPort, metricsHost, metricsToken, format, shutdownDrain, shutdownGrace);
    }

    public OperationsSettings withShutdownDrain(Duration drain) {
        return new OperationsSettings(metricsPort, metricsHost, metricsToken, logFormat, drain, shutdownGrace);
    }

    public OperationsSettings withShutdownGrace(Duration grace) {
        return new OperationsSettings(metricsPort, metricsHost, metricsToken, logFormat, shutdownDrain, grace);
    }

    /** For the effective configuration in the log; the token masked. */
    Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("metrics-port", metricsPort.isPresent() ? Integer.toString(metricsPort.getAsInt()) : "(none)");
        d.put("metrics-host", metricsHost);
        d.put("metrics-token", metricsToken.isPresent() ? "****" : "(none)");
        d.put("log-format", logFormat.name().toLowerCase(java.util.Locale.ROOT));
        d.put("shutdown-drain", shutdownDrain.toSeconds() + " s");
        d.put("shutdown-grace", shutdownGrace.toSeconds() + " s");
        return d;
    }
}
