package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.server.role.ReadinessCheck;
import org.slf4j.MDC;

/** Health, readiness, request ids and metrics as every server answers them. */
class OperationsHttpTest {
    private static final String TOKEN = "metrics-token-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean auditFails = new AtomicBoolean();
    private Javalin app;

    private final Role keys = TestRoles.of("keys", routes -> {
        routes.get("/api/v1/keys/{report_id}", ctx -> ctx.result("key of " + ctx.pathParam("report_id").length()));
        routes.get("/whoami-request", ctx -> ctx.result(String.valueOf(MDC.get(RequestIds.MDC_KEY))));
    });

    /** Readiness as serve builds it, its result reused for {@code interval}. */
    private Readiness readiness(Duration interval) {
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("database", () -> { });
        checks.put("audit", () -> {
            if (auditFails.get()) {
                throw new IllegalStateException("the audit log cannot be written\nsecond line not shown");
            }
        });
        return new Readiness(checks, interval);
    }

    private Javalin start(Readiness readiness, Optional<String> token) {
        app = ServerApp.create(List.of(keys), new Operations(readiness, meters, token, Duration.ZERO), c -> { })
                .start("127.0.0.1", 0);
        return app;
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void liveness_answers_while_readiness_reports_each_check_and_fails_with_the_one_that_fails() throws Exception {
        start(readiness(Duration.ofMillis(200)), Optional.empty());
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health").body()).contains("\"status\":\"ok\"");

        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("ready");
        assertThat(body.path("checks").path("database").asText()).isEqualTo("ok");
        assertThat(body.path("checks").path("audit").asText()).isEqualTo("ok");

        auditFails.set(true);
        HttpResponse<String> failing = pollReadyUntil(503, Duration.ofSeconds(10));
        assertThat(failing.statusCode()).as("a failing check shows once the interval is over").isEqualTo(503);
        body = Json.MAPPER.readTree(failing.body());
        assertThat(body.path("status").asText()).isEqualTo("not_ready");
        assertThat(body.path("checks").path("database").asText()).isEqualTo("ok");
        assertThat(body.path("checks").path("audit").asText()).isEqualTo("the audit log cannot be written");
        assertThat(get("/health/live").statusCode()).as("alive all the same").isEqualTo(200);
    }

    private HttpResponse<String> pollReadyUntil(int status, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        HttpResponse<String> r = get("/health/ready");
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            r = get("/health/ready");
        }
        return r;
    }

    @Test
    void many_concurrent_readiness_probes_run_each_check_once_per_interval() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Readiness readiness = new Readiness(Map.of("costly", () -> {
            runs.incrementAndGet();
            if (!release.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        }), Duration.ofMinutes(5));
        start(readiness, Optional.empty());
        List<CompletableFuture<HttpResponse<String>>> probes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            probes.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runs.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> probe : probes) {
            assertThat(probe.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        }
        assertThat(runs.get()).as("one run for 40 probes within the interval").isEqualTo(1);
    }

    @Test
    void readiness_fails_as_soon_as_the_server_is_stopping_whatever_the_interval() throws Exception {
        Readiness readiness = readiness(Duration.ofMinutes(5));
        start(readiness, Optional.empty());
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        readiness.stopping();
        HttpResponse<String> r = get("/health/ready");
        assertThat(r.statusCode()).as("not the cached 200").isEqualTo(503);
        assertThat(Json.MAPPER.readTree(r.body()).path("checks").path("shutdown").asText())
                .isEqualTo("the server is stopping");
    }

    @Test
    void a_check_that_does_not_answer_fails_within_its_time_limit_and_is_not_started_again_while_it_hangs() {
        AtomicInteger starts = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Readiness slow = new Readiness(Map.of("stuck", () -> {
            starts.incrementAndGet();
            while (release.getCount() > 0) { // deaf to interrupts, like a thread blocked on a monitor
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // keep hanging
                }
            }
        }), Duration.ZERO);
        try {
            long started = System.nanoTime();
            Readiness.Result result = slow.current();
            assertThat(result.ready()).isFalse();
            assertThat(result.checks().get("stuck")).startsWith("no answer within");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(slow.current().checks().get("stuck")).startsWith("no answer within");
            assertThat(starts.get()).as("no second thread for a check that still hangs").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void without_a_token_metrics_are_not_served_on_the_main_port() throws Exception {
        start(Readiness.none(), Optional.empty());
        assertThat(get("/metrics").statusCode()).isEqualTo(404);
        assertThat(get("/metrics", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void with_a_token_metrics_answer_only_to_that_bearer_token() throws Exception {
        start(Readiness.none(), Optional.of(TOKEN));
        assertThat(get("/metrics").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        HttpResponse<String> r = get("/metrics", "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("safelight_http_server_requests_seconds_count");
    }

    @Test
    void requests_are_counted_by_route_template_never_by_the_path_asked_for() throws Exception {
        start(Readiness.none(), Optional.of(TOKEN));
        assertThat(get("/api/v1/keys/SOME-ID").statusCode()).isEqualTo(200);
        assertThat(get("/no/such/SECRET-PATH").statusCode()).isEqualTo(404);
        String metrics = get("/metrics", "Authorization", "Bearer " + TOKEN).body();
        assertThat(metrics).contains("safelight_http_server_requests_seconds_count{method=\"GET\","
                + "route=\"/api/v1/keys/{report_id}\",status=\"200\"} 1");
        assertThat(metrics).contains("route=\"unmatched\",status=\"404\"");
        assertThat(metrics).contains("safelight_http_server_requests_seconds_bucket");
        assertThat(metrics).doesNotContain("SOME-ID").doesNotContain("SECRET-PATH");
    }

    @Test
    void a_separate_metrics_listener_serves_metrics_and_nothing_else() throws Exception {
        start(Readiness.none(), Optional.empty());
        get("/api/v1/keys/SOME-ID");
        try (MetricsListener listener = MetricsListener.start("127.0.0.1", 0, meters::scrape)) {
            String base = "http://127.0.0.1:" + listener.port();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("route=\"/api/v1/keys/{report_id}\"");
            for (String other : List.of("/health", "/api/v1/keys/SOME-ID", "/metrics/x", "/")) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + other)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as(other).isEqualTo(404);
            }
        }
    }

    @Test
    void a_metrics_listener_given_a_token_answers_only_to_it() throws Exception {
        try (MetricsListener listener = MetricsListener.start("127.0.0.1", 0, meters::scrape, Optional.of(TOKEN))) {
            URI metrics = URI.create("http://127.0.0.1:" + listener.port() + "/metrics");
            assertThat(listener.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer wrong").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_plain_incoming_request_id_is_kept_and_anything_else_replaced() throws Exception {
        start(Readiness.none(), Optional.empty());
        HttpResponse<String> kept = get("/whoami-request", "X-Request-Id", "lb-7f3a.9_c-1");
        assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("lb-7f3a.9_c-1");
        assertThat(kept.body()).as("in the MDC while the handler runs").isEqualTo("lb-7f3a.9_c-1");

        for (String unsafe : List.of("ada@hospital.example", "a b", "x".repeat(65))) {
            HttpResponse<String> replaced = get("/whoami-request", "X-Request-Id", unsafe);
            String id = replaced.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).isNotEqualTo(unsafe).matches("[0-9a-f-]{36}");
            assertThat(replaced.body()).isEqualTo(id);
        }
        HttpResponse<String> none = get("/nothing-here");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(MDC.get(RequestIds.MDC_KEY)).isNull();
    }
}
