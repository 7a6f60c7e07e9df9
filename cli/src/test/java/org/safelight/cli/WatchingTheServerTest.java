package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.logs.LogConsole;
import org.safelight.cli.logs.LogFormat;
import org.safelight.cli.serve.OperationsSettings;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.db.Database;
import org.safelight.server.http.Readiness;
import org.safelight.server.testing.Ports;

/** What an operator watches a running server by: readiness, metrics, JSON logs with request ids. */
class WatchingTheServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "metrics-token-for-the-test-0123";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private SafelightServer start(UnaryOperator<OperationsSettings> operations) throws Exception {
        return start("127.0.0.1", operations);
    }

    private SafelightServer start(String host, UnaryOperator<OperationsSettings> operations) throws Exception {
        Path data = dir.resolve("data");
        String site = host.equals("127.0.0.1") ? "http://localhost:" : "http://safelight.example:"; // no warning
        return Ports.onFreePort(port -> SafelightServer.start(new ServeConfig(data, host, port,
                Set.of("accounts", "keys", "cloud", "web"), Database.sqliteUrl(data), null, null, null,
                URI.create(site + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60)
                .with(operations.apply(OperationsSettings.DEFAULTS))));
    }

    /** An IPv4 address of this machine other than loopback, when it has one (containers may not). */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readiness_and_the_ready_gauge_fail_with_a_short_reason_once_the_database_is_closed() throws Exception {
        try (SafelightServer server = start(o -> o.withMetricsToken(TOKEN).withMetricsPort(0))) {
            String base = server.url().toString();
            HttpResponse<String> ready = get(base + "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode checks = JSON.readTree(ready.body()).path("checks");
            assertThat(checks.path("database").asText()).isEqualTo("ok");
            assertThat(checks.path("migrations").asText()).isEqualTo("ok");
            String metrics = get(base + "/metrics", "Authorization", "Bearer " + TOKEN).body();
            assertThat(metrics).contains("safelight_ready 1.0", "jvm_memory_used_bytes", "jvm_gc_",
                    "jvm_threads_live_threads", "jvm_classes_loaded_classes", "system_cpu_count",
                    "process_uptime_seconds", "hikaricp_connections_active{pool=\"safelight\"}",
                    "safelight_http_server_requests_seconds_count{method=\"GET\",route=\"/health/ready\",status=\"200\"}");

            assertThat(server.routes()).contains("GET /health/live", "GET /health/ready", "GET /metrics");
            assertThat(get(base + "/openapi.yaml").body()).contains("/health/ready:", "/metrics:");

            String listener = "http://127.0.0.1:" + server.metricsPort().orElseThrow() + "/metrics";
            assertThat(get(listener).statusCode()).as("the token is asked for on the metrics port too").isEqualTo(401);
            assertThat(get(listener, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);

            server.database().close();
            // the last result is reused for up to Readiness.DEFAULT_INTERVAL: poll past it
            long deadline = System.nanoTime() + Readiness.DEFAULT_INTERVAL.plusSeconds(10).toNanos();
            HttpResponse<String> notReady = get(base + "/health/ready");
            while (notReady.statusCode() == 200 && System.nanoTime() < deadline) {
                notReady = get(base + "/health/ready");
            }
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(notReady.body()).path("checks").path("database").asText())
                    .isEqualTo("the database is closed");
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(base + "/metrics", "Authorization", "Bearer " + TOKEN).body()).contains("safelight_ready 0.0");
        }
    }

    @Test
    void with_a_metrics_port_metrics_are_served_there_on_the_loopback_address_only_and_not_on_the_main_port()
            throws Exception {
        try (SafelightServer server = start("0.0.0.0", o -> o.withMetricsPort(0))) {
            assertThat(get(server.url() + "/health").statusCode()).isEqualTo(200);
            InetSocketAddress bound = server.metricsAddress().orElseThrow();
            assertThat(bound.getAddress().getHostAddress()).as("not --host 0.0.0.0").isEqualTo("127.0.0.1");
            Optional<InetAddress> outside = nonLoopbackAddress();
            if (outside.isPresent()) {
                String host = outside.get().getHostAddress();
                assertThat(get("http://" + host + ":" + server.url().getPort() + "/health").statusCode())
                        .as("the main port on " + host).isEqualTo(200);
                assertThatThrownBy(() -> get("http://" + host + ":" + bound.getPort() + "/metrics"))
                        .as("the metrics port on " + host).isInstanceOf(IOException.class);
            }
            assertThat(get(server.url() + "/metrics").statusCode()).isEqualTo(404);
            int port = server.metricsPort().orElseThrow();
            HttpResponse<String> metrics = get("http://127.0.0.1:" + port + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("route=\"/health\"", "safelight_ready 1.0");
            assertThat(get("http://127.0.0.1:" + port + "/health").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void without_a_token_or_a_port_metrics_are_not_served() throws Exception {
        try (SafelightServer server = start(o -> o)) {
            assertThat(get(server.url() + "/metrics").statusCode()).isEqualTo(404);
            assertThat(server.metricsPort()).isEmpty();
        }
    }

    @Test
    void after_a_sign_up_and_sign_in_no_address_or_token_is_in_the_json_logs_or_the_metrics() throws Exception {
        String email = "ada.lovelace@hospital.example";
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String metrics;
        String token;
        Runnable back = LogConsole.use(LogFormat.JSON); // as serve does with --log-format json, undone after
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (SafelightServer server = start(o -> o.withMetricsToken(TOKEN).withLogFormat(LogFormat.JSON))) {
                TestUsers users = new TestUsers(dir, dir.resolve("data"), server.url().toString());
                users.signUp("ada", email);
                users.verify("ada", email);
                token = new CloudHttp(server.url().toString()).token("ada", email);
                HttpResponse<String> whoami = get(server.url() + "/api/v1/accounts/me", "Authorization", "Bearer " + token,
                        "X-Request-Id", "watch-test-42");
                assertThat(whoami.headers().firstValue("X-Request-Id")).hasValue("watch-test-42");
                // a report id in a path: not in a log line or a metric label
                get(server.url() + "/api/v1/reports/NOT-A-REPORT-ID/key", "Authorization", "Bearer " + token,
                        "X-Request-Id", "watch-test-43");
                metrics = get(server.url() + "/metrics", "Authorization", "Bearer " + TOKEN).body();
            }
        } finally {
            System.setErr(original);
            back.run();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the server logged at all").contains("\"message\":\"mail 'Confirm your email address");
        for (String line : log.lines().toList()) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.path("time").asText()).as(line).isNotEmpty();
            assertThat(event.path("level").asText()).as(line).isNotEmpty();
            assertThat(event.path("logger").asText()).as(line).isNotEmpty();
            assertThat(event.has("message")).as(line).isTrue();
        }
        String tokenSignature = token.substring(token.lastIndexOf('.') + 1);
        for (String text : List.of(log, metrics)) {
            assertThat(text).doesNotContain(email).doesNotContain("hospital.example").doesNotContain(token)
                    .doesNotContain(tokenSignature).doesNotContain("NOT-A-REPORT-ID").doesNotContain(TOKEN);
        }
        assertThat(metrics).contains("route=\"/api/v1/accounts/signin\"");
    }
}
