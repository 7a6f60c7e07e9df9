package org.safelight.cli.serve;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.safelight.cli.logs.LogFormat;
import picocli.CommandLine.Option;

/**
 * How {@code serve} is watched and stopped: metrics, log format, shutdown drain and grace. Added to
 * {@code serve} with {@code @Mixin}; each option also comes from {@code SAFELIGHT_<FLAG>} or the
 * {@code --config} file.
 */
public final class OperationsOptions {
    @Option(names = "--metrics-port", paramLabel = "N",
            description = {"Serve Prometheus metrics at /metrics on this port too (on --metrics-host; nothing else",
                "is served there; 0 picks a free one). Default: no such listener."})
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = OperationsSettings.LOOPBACK,
            description = {"The address the --metrics-port listener binds (default: ${DEFAULT-VALUE}, this machine",
                "only). A wider one (e.g. 0.0.0.0) should be firewalled to Prometheus or used with --metrics-token,",
                "which the metrics port then requires too."})
    String metricsHost;

    @Option(names = "--metrics-token", paramLabel = "TOKEN", defaultValue = "",
            description = {"Prefer SAFELIGHT_METRICS_TOKEN. Serve /metrics on the main port to",
                "'Authorization: Bearer TOKEN' (on --metrics-port too). Without this or --metrics-port, /metrics",
                "is not served."})
    String metricsToken;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
            description = "Log lines on stderr as text or as one JSON object each (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--shutdown-drain", paramLabel = "SECONDS", defaultValue = "5",
            description = {"On SIGTERM: /health/ready fails at once, then the server keeps serving for this long so",
                "load balancers notice before new connections are refused (default: ${DEFAULT-VALUE}). Drain plus",
                "grace must stay below the service manager's stop timeout (the Debian unit's TimeoutStopSec=45)."})
    long shutdownDrain;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", defaultValue = "20",
            description = {"On SIGTERM, after the drain: new connections are refused and requests in flight may",
                "take this long to finish (default: ${DEFAULT-VALUE})."})
    long shutdownGrace;

    /**
     * The settings these options give.
     *
     * @throws IllegalArgumentException naming the flag of a bad value
     */
    public OperationsSettings settings() {
        LogFormat format;
        try {
            format = LogFormat.parse(logFormat);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-format: " + e.getMessage());
        }
        return new OperationsSettings(metricsPort == null ? OptionalInt.empty() : OptionalInt.of(metricsPort),
                metricsHost, Optional.of(metricsToken.strip()), format, Duration.ofSeconds(shutdownDrain),
                Duration.ofSeconds(shutdownGrace));
    }
}
