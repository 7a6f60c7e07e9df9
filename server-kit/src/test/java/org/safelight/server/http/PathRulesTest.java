package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.PathRule;
import org.safelight.server.role.RoleName;

/**
 * A role's path rules: the size limit and the refusal shape of its paths hold for every refusal on
 * them — the route's own, 404, 413, 500 and Jetty's — while other paths keep the common shape.
 */
class PathRulesTest {
    private static final long LIMIT = 64 * 1024;
    private Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();

    /** An intake like the endpoint's: its own answers, a raised limit, a streamed body. */
    private static final class Intake implements Role {
        @Override
        public RoleName roleName() {
            return RoleName.ENDPOINT;
        }

        @Override
        public void routes(JavalinDefaultRoutingApi routes) {
            routes.post("/api/report", ctx -> {
                long n = 0;
                try (InputStream in = PathRules.body(ctx)) {
                    n = in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                if ("refuse".equals(ctx.queryParam("then"))) {
                    throw new ApiException(ErrorCode.SENDER_NOT_ALLOWED, "this sender may not file reports here");
                }
                if ("fail".equals(ctx.queryParam("then"))) {
                    throw new IllegalStateException("boom");
                }
                ctx.json(java.util.Map.of("success", true, "read", n));
            });
            routes.post("/api/json", ctx -> ctx.json(Json.body(ctx)));
        }

        @Override
        public List<PathRule> pathRules() {
            return List.of(new PathRule("/api/report", LIMIT, ErrorRenderer.SUCCESS_FALSE));
        }
    }

    @BeforeEach
    void start() {
        app = ServerApp.create(List.of(new Intake()), c -> { }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String body) throws Exception {
        return Json.MAPPER.readTree(body);
    }

    private static void assertSuccessFalse(String body, String code) throws Exception {
        JsonNode node = json(body);
        assertThat(node.path("success").isBoolean()).as(body).isTrue();
        assertThat(node.path("success").asBoolean()).isFalse();
        assertThat(node.path("error").asText()).isEqualTo(code);
        assertThat(node.path("message").asText()).isNotBlank();
    }

    @Test
    void a_body_within_the_paths_raised_limit_is_read_whole() throws Exception {
        HttpResponse<String> r = post("/api/report", HttpRequest.BodyPublishers.ofByteArray(new byte[(int) LIMIT]));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).path("read").asLong()).isEqualTo(LIMIT);
    }

    @Test
    void every_refusal_on_the_intake_path_says_success_false() throws Exception {
        HttpResponse<String> refused = post("/api/report?then=refuse", HttpRequest.BodyPublishers.ofString("x"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertSuccessFalse(refused.body(), "sender_not_allowed");

        HttpResponse<String> failed = post("/api/report?then=fail", HttpRequest.BodyPublishers.ofString("x"));
        assertThat(failed.statusCode()).isEqualTo(500);
        assertSuccessFalse(failed.body(), "internal_error");

        HttpResponse<String> unknown = post("/api/report/elsewhere", HttpRequest.BodyPublishers.ofString("x"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertSuccessFalse(unknown.body(), "not_found");
    }

    @Test
    void a_body_announced_over_the_limit_is_refused_before_the_route_in_the_paths_shape() throws Exception {
        HttpResponse<String> r = post("/api/report", HttpRequest.BodyPublishers.ofByteArray(new byte[(int) LIMIT + 1]));
        assertThat(r.statusCode()).isEqualTo(413);
        assertSuccessFalse(r.body(), "too_large");
    }

    @Test
    void a_body_sent_without_a_length_is_cut_off_at_the_limit_in_the_paths_shape() throws Exception {
        byte[] big = new byte[(int) LIMIT * 2];
        // a publisher of unknown length: the client sends it chunked, without Content-Length
        HttpResponse<String> r = post("/api/report", HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertSuccessFalse(r.body(), "too_large");
    }

    @Test
    void jettys_own_refusals_on_the_intake_path_say_success_false_and_elsewhere_keep_the_common_shape()
            throws Exception {
        String huge = "X-Big: " + "a".repeat(40 * 1024) + "\r\n";
        RawHttp.Answer intake = RawHttp.send(app.port(), "POST /api/report HTTP/1.1\r\nHost: localhost\r\n" + huge
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(intake.status()).isEqualTo(431);
        assertSuccessFalse(intake.body(), "headers_too_large");

        RawHttp.Answer other = RawHttp.send(app.port(), "POST /api/json HTTP/1.1\r\nHost: localhost\r\n" + huge
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(other.status()).isEqualTo(431);
        assertThat(json(other.body()).has("success")).isFalse();
        assertThat(json(other.body()).path("error").asText()).isEqualTo("headers_too_large");
    }

    @Test
    void paths_without_a_rule_keep_the_common_shape_and_the_default_limit() throws Exception {
        HttpResponse<String> unknown = post("/api/reports", HttpRequest.BodyPublishers.ofString("x"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).has("success")).as("/api/reports is not under /api/report").isFalse();
        assertThat(json(unknown.body()).path("error").asText()).isEqualTo("not_found");

        HttpResponse<String> big = post("/api/json", HttpRequest.BodyPublishers.ofByteArray(
                new byte[(int) PathRule.DEFAULT_MAX_BYTES + 1]));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(json(big.body()).has("success")).isFalse();
        assertThat(json(big.body()).path("error").asText()).isEqualTo("too_large");
    }

    @Test
    void a_star_segment_covers_one_route_of_a_family_and_not_its_siblings() {
        PathRule email = new PathRule("/api/v1/accounts/me/reports/*/email", 10, ErrorRenderer.COMMON);
        assertThat(email.covers("/api/v1/accounts/me/reports/R1/email")).isTrue();
        assertThat(email.covers("/api/v1/accounts/me/reports/R1/sends")).isFalse();
        assertThat(email.covers("/api/v1/accounts/me/reports")).isFalse();
        assertThat(email.covers("/api/v1/accounts/me/reports//email")).isFalse();
        assertThat(email.covers("/api/v1/accounts/me/reports/R1/emails")).isFalse();
    }

    @Test
    void the_longest_prefix_wins_and_two_roles_cannot_claim_one_prefix() {
        PathRule outer = new PathRule("/api", 10, ErrorRenderer.COMMON);
        PathRule inner = new PathRule("/api/report/", 20, ErrorRenderer.SUCCESS_FALSE);
        Role a = new Role() {
            @Override
            public RoleName roleName() {
                return RoleName.ACCOUNTS;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi routes) {
            }

            @Override
            public List<PathRule> pathRules() {
                return List.of(outer, inner);
            }
        };
        PathRules rules = PathRules.of(List.of(a));
        assertThat(rules.ruleFor("/api/report")).isEqualTo(inner);
        assertThat(rules.ruleFor("/api/report/x")).isEqualTo(inner);
        assertThat(rules.ruleFor("/api/reports")).isEqualTo(outer);
        assertThat(rules.ruleFor("/health")).isEqualTo(PathRules.DEFAULT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PathRules.of(List.of(a, a)))
                .hasMessageContaining("/api");
    }
}
