package org.safelight.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.role.RoleName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --log-format json}: one JSON object a line, with the request's id, without stack traces. */
class JsonLogLinesTest {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLogLinesTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Role chatty = new Role() {
        @Override
        public RoleName roleName() {
            return RoleName.WEB;
        }

        @Override
        public void routes(JavalinDefaultRoutingApi routes) {
            routes.get("/chatty", ctx -> {
                LOG.warn("handling a \"quoted\" request\nover two lines");
                ctx.result("ok");
            });
            routes.get("/fails", ctx -> {
                throw new IllegalStateException("a message that may hold data");
            });
        }
    };

    @Test
    void every_line_is_json_and_lines_logged_while_handling_a_request_carry_its_id() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        Javalin app = ServerApp.create(List.of(chatty), c -> { }).start("127.0.0.1", 0);
        Runnable back = LogConsole.use(LogFormat.JSON);
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + app.port());
            http.send(HttpRequest.newBuilder(base.resolve("/chatty")).header("X-Request-Id", "probe-1234").build(),
                    HttpResponse.BodyHandlers.ofString());
            http.send(HttpRequest.newBuilder(base.resolve("/fails")).header("X-Request-Id", "probe-5678").build(),
                    HttpResponse.BodyHandlers.ofString());
            LOG.warn("outside any request");
        } finally {
            System.setErr(original);
            back.run();
            app.stop();
        }
        List<JsonNode> events = captured.toString(StandardCharsets.UTF_8).lines().map(JsonLogLinesTest::parse).toList();
        JsonNode handled = events.stream().filter(e -> e.path("message").asText().startsWith("handling")).findFirst()
                .orElseThrow();
        assertThat(handled.path("message").asText()).isEqualTo("handling a \"quoted\" request\nover two lines");
        assertThat(handled.path("request_id").asText()).isEqualTo("probe-1234");
        assertThat(handled.path("level").asText()).isEqualTo("WARN");
        assertThat(handled.path("logger").asText()).isEqualTo(JsonLogLinesTest.class.getName());
        assertThat(Instant.parse(handled.path("time").asText())).isBefore(Instant.now().plusSeconds(1));

        JsonNode failed = events.stream().filter(e -> e.path("message").asText().startsWith("unexpected")).findFirst()
                .orElseThrow();
        assertThat(failed.path("request_id").asText()).isEqualTo("probe-5678");
        assertThat(failed.path("message").asText()).contains("/fails").doesNotContain("may hold data");

        JsonNode outside = events.stream().filter(e -> e.path("message").asText().equals("outside any request"))
                .findFirst().orElseThrow();
        assertThat(outside.has("request_id")).as("the id is cleared after the request").isFalse();
    }

    @Test
    void an_exception_is_named_by_its_class_without_its_message_or_stack() {
        ch.qos.logback.classic.Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("t");
        ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
                "t", logger, ch.qos.logback.classic.Level.ERROR, "it failed", new IllegalStateException("ada@x.org"),
                null);
        String line = new String(new JsonLineEncoder().encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("}\n").doesNotContain("ada@x.org").doesNotContain("\tat ");
        JsonNode json = parse(line.strip());
        assertThat(json.path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(json.path("message").asText()).isEqualTo("it failed");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
