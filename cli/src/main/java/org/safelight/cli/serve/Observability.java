package org.safelight.cli.serve;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.server.db.Database;
import org.safelight.server.http.MetricsListener;
import org.safelight.server.http.Operations;
import org.safelight.server.http.Readiness;
import org.safelight.server.role.ReadinessCheck;
import org.safelight.server.role.RoleContext;

/**
 * What {@code serve} gives an operator to watch the server by: one Prometheus registry (the JVM's,
 * the connection pool's, the HTTP requests' and the roles' own meters), readiness (the database
 * answers, its migrations are done, every role's checks, not stopping; also as the
 * {@code safelight_ready} gauge) and the optional {@code --metrics-port} listener. Used by
 * {@link SafelightServer} while it starts, one step after another; {@link #stopping()} and
 * {@link #close()} may come from the shutdown hook's thread.
 */
final class Observability implements AutoCloseable {
    private final OperationsSettings settings;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile boolean migrated;
    private volatile Readiness readiness = Readiness.none();
    private volatile MetricsListener listener;

    /** The registry with the JVM's and the pool's meters, given to the roles before they are built. */
    Observability(OperationsSettings settings, Database database, RoleContext context) {
        this.settings = settings;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        database.meterPool(registry);
        context.useMetrics(registry);
    }

    /** Every role's migrations ran. */
    void migrated() {
        migrated = true;
    }

    /** For the HTTP server, once the roles are built: readiness with their checks after ours. */
    Operations operations(Database database, RoleContext context) {
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("database", database::check);
        checks.put("migrations", () -> {
            if (!migrated) {
                throw new IllegalStateException("the database migrations have not finished");
            }
        });
        context.readinessChecks().forEach((name, check) -> {
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalStateException("a role registered the readiness check " + name + ", which serve owns");
            }
        });
        Readiness ready = new Readiness(checks); // one run per interval, however often it is asked
        readiness = ready;
        Gauge.builder("safelight.ready", ready, r -> r.current().ready() ? 1 : 0)
                .description("1 when /health/ready answers 200, else 0").strongReference(true).register(registry);
        return new Operations(ready, registry, settings.metricsToken(), settings.shutdownGrace());
    }

    /**
     * Starts the {@code --metrics-port} listener on {@code --metrics-host} (loopback by default, not
     * {@code --host}: it has no authentication unless the metrics token is set, which it then asks for).
     */
    void listen() throws IOException {
        if (settings.metricsPort().isPresent()) {
            listener = MetricsListener.start(settings.metricsHost(), settings.metricsPort().getAsInt(),
                    registry::scrape, settings.metricsToken());
        }
    }

    /** The {@code --metrics-port} listener's address, when there is one. */
    Optional<InetSocketAddress> metricsAddress() {
        MetricsListener l = listener;
        return l == null ? Optional.empty() : Optional.of(l.address());
    }

    /** How long a stop keeps serving after readiness failed. */
    Duration drain() {
        return settings.shutdownDrain();
    }

    /** Readiness fails from now on. */
    void stopping() {
        readiness.stopping();
    }

    @Override
    public void close() {
        MetricsListener l = listener;
        if (l != null) {
            l.close();
        }
        gc.close();
        registry.close();
    }
}
