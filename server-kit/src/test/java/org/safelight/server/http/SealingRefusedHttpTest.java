package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.server.crypto.MasterKey;

/**
 * A request that needs to seal something while this server's master key is being rotated away is
 * told to come back (503, {@code Retry-After}, {@code server_busy}), not that the server failed, however
 * the refusal reaches the answer: thrown in the handler, from a future, or wrapped by a library.
 */
class SealingRefusedHttpTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;
    private MasterKey key;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        key = MasterKey.load(dir, Map.of());
        byte[] secret = "a report key".getBytes(StandardCharsets.UTF_8);
        Role sealer = TestRoles.of("sealer", routes -> {
            routes.post("/seal", ctx -> ctx.result(key.seal(secret, "r1")));
            routes.post("/seal-later", ctx -> ctx.future(() -> CompletableFuture.supplyAsync(() -> key.seal(secret, "r2"))
                    .thenAccept(ctx::result)));
            routes.post("/seal-wrapped", ctx -> {
                try {
                    ctx.result(key.seal(secret, "r3"));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("storing the key failed", e);
                }
            });
            routes.post("/fail", ctx -> {
                throw new IllegalStateException("boom");
            });
        });
        app = ServerApp.create(List.of(sealer), c -> { }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/seal", "/seal-later", "/seal-wrapped"})
    void a_seal_refused_during_a_rotation_answers_503_with_retry_after(String path) throws Exception {
        assertThat(post(path).statusCode()).as("before the rotation").isEqualTo(200);

        key.refuseSealing("a master key rotation is under way");

        HttpResponse<String> refused = post(path);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
        JsonNode body = Json.MAPPER.readTree(refused.body());
        assertThat(body.path("error").asText()).isEqualTo("server_busy");
        assertThat(body.path("message").asText()).contains("master key").contains("try again");
    }

    @org.junit.jupiter.api.Test
    void causes_that_form_a_cycle_are_an_unexpected_failure_not_an_endless_walk() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            assertThat(ErrorAnswer.of(a).status()).isEqualTo(500);
            assertThat(ErrorAnswer.of(new IllegalStateException(new org.safelight.server.crypto.SealingRefusedException(
                    "a rotation"))).status()).isEqualTo(503);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/fail"})
    void any_other_failure_is_still_a_500_without_details(String path) throws Exception {
        key.refuseSealing("a master key rotation is under way");
        HttpResponse<String> failed = post(path);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.headers().firstValue("Retry-After")).isEmpty();
        assertThat(Json.MAPPER.readTree(failed.body()).path("error").asText()).isEqualTo("internal_error");
        assertThat(failed.body()).doesNotContain("boom");
    }
}
