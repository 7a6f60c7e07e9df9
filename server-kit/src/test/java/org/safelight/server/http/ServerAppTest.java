package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;

class ServerAppTest {
    @Test
    void requests_run_on_virtual_threads_only_when_asked_for_and_the_jdk_has_them() {
        assertThat(ServerApp.virtualThreads(17, null)).isFalse();
        assertThat(ServerApp.virtualThreads(17, "true")).isFalse();
        assertThat(ServerApp.virtualThreads(21, null)).isFalse();
        assertThat(ServerApp.virtualThreads(21, "true")).isTrue();
        assertThat(ServerApp.virtualThreads(25, "TRUE")).isTrue();
        assertThat(ServerApp.virtualThreads(25, "false")).isFalse();
    }

    @Test
    void headers_are_parsed_without_a_per_connection_cache_and_each_request_sees_its_own() throws Exception {
        Role echoes = TestRoles.of("echoes",
                routes -> routes.get("/who", ctx -> ctx.result(ctx.header("Authorization"))));
        Javalin app = ServerApp.create(List.of(echoes), c -> { }).start("127.0.0.1", 0);
        try {
            HttpConnectionFactory http = app.jettyServer().server().getConnectors()[0]
                    .getConnectionFactory(HttpConnectionFactory.class);
            assertThat(http.getHttpConfiguration().getHeaderCacheSize()).isZero();
            // One keep-alive connection, the same long header with two values.
            HttpClient client = HttpClient.newHttpClient();
            for (String token : List.of("a".repeat(600), "a".repeat(599) + "b", "a".repeat(600))) {
                HttpRequest who = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/who"))
                        .header("Authorization", "Bearer " + token).build();
                HttpResponse<String> r = client.send(who, HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo("Bearer " + token);
            }
        } finally {
            app.stop();
        }
    }

    @Test
    void a_refusal_before_the_body_is_read_still_reaches_a_client_that_sends_it_all_at_once() throws Exception {
        Role refuses = TestRoles.of("refuses", routes -> routes.post("/upload", ctx -> {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "sign in first");
        }));
        Javalin app = ServerApp.create(List.of(refuses), c -> { }).start("127.0.0.1", 0);
        try {
            HttpClient http = HttpClient.newHttpClient();
            byte[] body = new byte[512 * 1024];
            // without the server reading the rest of the body, the client often sees a reset instead
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/upload")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.body()).contains("sign in first");
            }
        } finally {
            app.stop();
        }
    }
}
