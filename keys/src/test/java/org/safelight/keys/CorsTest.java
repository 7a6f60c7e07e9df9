package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.keys.KeyServerFixture.TRUSTED_ORIGIN;
import static org.safelight.keys.KeyServerFixture.accesses;
import static org.safelight.keys.KeyServerFixture.key;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.server.http.Cors;
import org.safelight.server.testing.TestDatabases;

/** My Safelight on another origin may call a private key server that trusts it, and no one else may. */
class CorsTest {
    private KeyServerFixture server;

    @BeforeEach
    void start() throws IOException {
        server = new KeyServerFixture(TestDatabases.sqlite());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Answer preflight(String path, String origin) {
        return server.send(server.request(path, null).header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void a_preflight_from_a_trusted_origin_allows_the_authorization_header() {
        for (String path : List.of(key("r1"), accesses("r1"), "/api/v1/reports/r1/revoke")) {
            Answer answer = preflight(path, TRUSTED_ORIGIN);

            assertThat(answer.status()).as(path).isEqualTo(204);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TRUSTED_ORIGIN);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                    .containsIgnoringCase("authorization");
            assertThat(answer.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("GET", "POST");
            assertThat(answer.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        }
    }

    @Test
    void a_preflight_from_an_untrusted_origin_is_refused_without_cors_headers() {
        Answer answer = preflight(key("r1"), "https://evil.example");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.error()).isEqualTo("origin_not_allowed");
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void answers_to_a_trusted_origin_carry_its_allow_origin_even_when_they_refuse() {
        String sender = server.token("sender");
        Answer created = server.send(server.request(key("r1"), sender).header("Origin", TRUSTED_ORIGIN)
                .POST(HttpRequest.BodyPublishers.noBody()));
        Answer refused = server.send(server.request(key("r1"), null).header("Origin", TRUSTED_ORIGIN).GET());
        Answer untrusted = server.send(server.request(key("r1"), sender).header("Origin", "https://evil.example").GET());

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TRUSTED_ORIGIN);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue(TRUSTED_ORIGIN);
        assertThat(untrusted.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(untrusted.headers().allValues("Vary")).anyMatch(v -> v.contains("Origin"));
    }

    @Test
    void every_route_of_the_key_server_answers_a_trusted_origin_with_its_allow_origin() {
        String sender = server.token("sender");
        assertThat(server.post(key("r1"), sender).status()).isEqualTo(201);
        List<HttpRequest.Builder> requests = List.of(
                server.request(key("r1"), sender).GET(),
                server.request(key("r1"), sender).POST(HttpRequest.BodyPublishers.noBody()),
                server.request(accesses("r1"), sender).GET(),
                server.request(KeyServerFixture.status("r1"), null).GET(),
                server.request(ReportStatuses.PATH, null).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"report_ids\": [\"r1\"]}")),
                server.request(KeyServerFixture.revoke("r1"), sender).POST(HttpRequest.BodyPublishers.noBody()),
                server.request(key("bad.id"), sender).GET());

        for (HttpRequest.Builder request : requests) {
            Answer answer = server.send(request.header("Origin", TRUSTED_ORIGIN));

            String route = answer.status() + " " + request.build().uri().getPath();
            assertThat(answer.status()).as(route).isIn(200, 400);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).as(route).hasValue(TRUSTED_ORIGIN);
            assertThat(answer.headers().firstValue("Access-Control-Expose-Headers")).as(route).hasValue("Retry-After");
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"*", "null", "my.safelight.example", ""})
    void only_real_origins_can_be_trusted(String origin) {
        assertThatThrownBy(() -> new Cors(List.of(origin))).isInstanceOf(IllegalArgumentException.class);
    }
}
