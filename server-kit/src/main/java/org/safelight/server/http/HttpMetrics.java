package org.safelight.server.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times every request Javalin answers as {@value #NAME} (Prometheus:
 * {@code safelight_http_server_requests_seconds}) tagged by method, route and status. The route is
 * the matched route's template ({@code /api/v1/keys/{report_id}}), never the path asked for: report
 * ids and tokens travel in paths. A request no route matched is {@value #UNMATCHED}, so a scan of
 * random paths cannot make new series.
 */
final class HttpMetrics {
    static final String NAME = "safelight.http.server.requests";
    static final String UNMATCHED = "unmatched";
    /** Latency buckets: what a dashboard needs for percentiles, without a hundred series per route. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Javalin's request logger: called once per request, after its answer was decided. */
    void record(Context ctx, Float millis) {
        Timer.builder(NAME)
                .description("HTTP requests by method, route template and status")
                .tag("method", ctx.method().name())
                .tag("route", route(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** The template of the route that matched, or {@value #UNMATCHED}. */
    static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? UNMATCHED : matched.path;
    }
}
