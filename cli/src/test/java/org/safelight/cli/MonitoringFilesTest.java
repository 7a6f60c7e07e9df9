package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.OperationsSettings;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.server.db.Database;
import org.safelight.server.testing.Ports;
import org.safelight.server.tls.OpensslPki;

/**
 * The shipped monitoring files ({@code packaging/monitoring}): the alert rules pass
 * {@code promtool check rules} and their own {@code promtool test rules}, the dashboard's queries
 * parse, and every metric they name (with every label value they match on) is one a running server
 * with every role, over HTTPS, exposes at {@code /metrics}.
 */
class MonitoringFilesTest {
    private static final Path MONITORING = Path.of("..", "packaging", "monitoring");
    private static final Path RULES = MONITORING.resolve("safelight-alerts.yml");
    private static final Path RULE_TESTS = MONITORING.resolve("safelight-alerts.test.yml");
    private static final Path DASHBOARD = MONITORING.resolve("safelight-dashboard.json");
    private static final String TOKEN = "metrics-token-for-the-monitoring-test";
    /** A metric name in a query: ours, the JVM's, the pool's, or Prometheus' own {@code up}. */
    private static final Pattern SELECTOR = Pattern.compile(
            "(?<![A-Za-z0-9_:])((?:safelight|jvm|hikaricp|process|system)_[A-Za-z0-9_]*|up)(?![A-Za-z0-9_:(])"
                    + "\\s*(?:\\{([^}]*)})?");
    private static final Pattern EQUALS = Pattern.compile("(\\w+)\\s*=\\s*\"([^\"]*)\"");
    /** Labels Prometheus adds when it scrapes, not the server. */
    private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");

    @TempDir
    Path dir;

    @BeforeAll
    static void promtoolIsThere() {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/promtool"));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(installed).as("promtool (Debian package prometheus) must be installed in CI").isTrue();
        }
        assumeTrue(installed, "promtool is not installed (apt-get install prometheus); CI=true makes this a failure");
    }

    @Test
    void the_alert_rules_pass_promtools_check_and_their_unit_tests() throws Exception {
        assertThat(promtool("check", "rules", RULES.toAbsolutePath().toString())).contains("SUCCESS");
        assertThat(promtool("test", "rules", RULE_TESTS.toAbsolutePath().toString())).contains("SUCCESS");
    }

    @Test
    void every_dashboard_query_parses() throws Exception {
        // promtool parses queries only in rule files: each panel's query becomes a recording rule.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : dashboardQueries()) {
            String concrete = expr.replace("$__rate_interval", "5m").replace("$instance", ".*");
            rules.append("      - record: dashboard_query_").append(n++).append("\n        expr: ")
                    .append(new ObjectMapper().writeValueAsString(concrete)).append('\n');
        }
        Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules);

        assertThat(n).isGreaterThanOrEqualTo(15);
        assertThat(promtool("check", "rules", file.toAbsolutePath().toString())).contains("SUCCESS: " + n + " rules found");
    }

    @Test
    void every_metric_the_rules_and_the_dashboard_use_is_exposed_by_a_running_server() throws Exception {
        List<String> queries = new ArrayList<>(ruleQueries());
        queries.addAll(dashboardQueries());
        Map<String, List<Map<String, String>>> exposed = scrapeAFullServer();

        Set<String> missing = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>();
        for (String query : queries) {
            Matcher m = SELECTOR.matcher(query);
            while (m.find()) {
                String name = m.group(1);
                named.add(name);
                if (name.equals("up")) {
                    continue; // Prometheus' own, per scrape target
                }
                Map<String, String> wanted = new HashMap<>();
                if (m.group(2) != null) {
                    Matcher eq = EQUALS.matcher(m.group(2).replaceAll("\\w+\\s*(=~|!=|!~)\\s*\"[^\"]*\"", ""));
                    while (eq.find()) {
                        if (!SCRAPE_LABELS.contains(eq.group(1))) {
                            wanted.put(eq.group(1), eq.group(2));
                        }
                    }
                }
                boolean found = exposed.getOrDefault(name, List.of()).stream()
                        .anyMatch(labels -> labels.entrySet().containsAll(wanted.entrySet()));
                if (!found) {
                    missing.add(name + wanted);
                }
            }
        }

        assertThat(named).as("what the files watch").contains("safelight_http_server_requests_seconds_bucket",
                "safelight_key_fetches_total", "safelight_audit_commit_seconds_bucket", "safelight_cloud_stored_bytes",
                "safelight_cloud_uploads_refused_total", "safelight_endpoint_queue_depth",
                "safelight_endpoint_delivery_failures_total", "safelight_endpoint_deliveries_parked",
                "safelight_tls_certificate_expiry_seconds", "safelight_ready", "jvm_memory_used_bytes",
                "hikaricp_connections_active");
        assertThat(missing).as("named in packaging/monitoring but not exposed").isEmpty();
        assertThat(exposed).containsKeys("safelight_key_fetches_total", "safelight_audit_commit_seconds_bucket",
                "safelight_cloud_stored_bytes", "safelight_cloud_uploads_total", "safelight_cloud_uploads_refused_total",
                "safelight_endpoint_queue_depth", "safelight_endpoint_delivery_failures_total",
                "safelight_endpoint_deliveries_parked", "safelight_tls_certificate_expiry_seconds");
    }

    /** Every role, HTTPS, SQLite; the exposed samples by name, each with its labels. */
    private Map<String, List<Map<String, String>>> scrapeAFullServer() throws Exception {
        OpensslPki pki = OpensslPki.create(Files.createDirectories(dir.resolve("pki")));
        Path data = dir.resolve("data");
        Path key = pki.ecKey("server");
        pki.install(data.resolve("certs"), key, pki.leaf(key, "localhost", 7));
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientTrustingRoot()).build();
        String scrape;
        try (SafelightServer server = Ports.onFreePort(port -> SafelightServer.start(new ServeConfig(data,
                "127.0.0.1", port, Set.of("accounts", "keys", "cloud", "web"), Database.sqliteUrl(data), null, null,
                null, URI.create("https://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60)
                .with(new EndpointWiring(EndpointSettings.defaults()))
                .with(OperationsSettings.DEFAULTS.withMetricsToken(TOKEN).withShutdownGrace(Duration.ZERO))))) {
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(server.url().resolve("/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"audit\"", "\"blob-store\"", "\"received-files\"");
            scrape = client.send(HttpRequest.newBuilder(server.url().resolve("/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        Map<String, List<Map<String, String>>> samples = new HashMap<>();
        Pattern sample = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*");
        for (String line : scrape.lines().toList()) {
            Matcher m = sample.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher eq = EQUALS.matcher(m.group(2));
                while (eq.find()) {
                    labels.put(eq.group(1), eq.group(2));
                }
            }
            samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
        return samples;
    }

    private static List<String> ruleQueries() throws IOException {
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
            }
        }
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(5);
        return exprs;
    }

    private static List<String> dashboardQueries() throws IOException {
        List<String> exprs = new ArrayList<>();
        collect(new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels"), exprs);
        return exprs;
    }

    private static void collect(JsonNode node, List<String> exprs) {
        if (node.isObject() && node.path("expr").isTextual()) {
            exprs.add(node.path("expr").asText());
        }
        node.forEach(child -> collect(child, exprs));
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }
}
