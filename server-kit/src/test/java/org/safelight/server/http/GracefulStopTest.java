package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping lets the requests in flight finish and takes no new ones. */
class GracefulStopTest {

    @Test
    void a_request_in_flight_finishes_while_the_server_stops_and_a_new_one_is_refused() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Role slow = TestRoles.of("slow", routes -> routes.get("/slow", ctx -> {
            inHandler.countDown();
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            ctx.result("finished");
        }));
        Readiness readiness = Readiness.none();
        Javalin app = ServerApp.create(List.of(slow), new Operations(readiness, new SimpleMeterRegistry(),
                Optional.empty(), Duration.ofSeconds(20)), c -> { }).start("127.0.0.1", 0);
        URI base = URI.create("http://127.0.0.1:" + app.port());
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                HttpRequest.newBuilder(base.resolve("/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();

        readiness.stopping();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(app::stop);
        // new connections: refused once the connector stopped accepting (polled, no sleep)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try {
                HttpClient fresh = HttpClient.newHttpClient(); // a new connection, not the pooled one
                int status = fresh.send(HttpRequest.newBuilder(base.resolve("/health/live"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                refused = status == 503;
            } catch (IOException e) {
                refused = true;
            }
        }
        assertThat(refused).as("a new request after the stop began is refused").isTrue();
        assertThat(stopped).as("the stop waits for the request in flight").isNotDone();

        release.countDown();
        HttpResponse<String> finished = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("finished");
        stopped.get(20, TimeUnit.SECONDS);
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/slow"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
