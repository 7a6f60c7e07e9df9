package org.safelight.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import org.safelight.server.http.Role;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.Worker;

/**
 * How serve stops (SIGTERM runs {@link SafelightServer#close()}): readiness fails first, the server
 * keeps serving through the drain, then new requests are refused, a request in flight still finishes with its answer, and only then do the
 * workers and the database stop.
 */
class GracefulServeStopTest {
    @TempDir
    Path dir;

    private final CountDownLatch inHandler = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean workerStoppedWhileInFlight = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    /** Stands in for the endpoint role: one slow route, and a worker that notes when it is stopped. */
    private final class Slow implements RoleWiring {
        @Override
        public RoleName name() {
            return RoleName.ENDPOINT;
        }

        @Override
        public Role build(RoleContext context) {
            Worker worker = new Worker() {
                @Override
                public String name() {
                    return "slow-probe";
                }

                @Override
                public void start() {
                }

                @Override
                public void stop() {
                    workerStoppedWhileInFlight.set(!finished.get());
                }
            };
            return new Role() {
                @Override
                public RoleName roleName() {
                    return RoleName.ENDPOINT;
                }

                @Override
                public void routes(JavalinDefaultRoutingApi routes) {
                    routes.post("/slow-upload", ctx -> {
                        byte[] body = ctx.bodyAsBytes();
                        inHandler.countDown();
                        assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                        finished.set(true);
                        ctx.result("stored " + body.length + " bytes");
                    });
                }

                @Override
                public List<Worker> workers() {
                    return List.of(worker);
                }
            };
        }
    }

    @Test
    void a_request_in_flight_when_the_server_is_told_to_stop_finishes_and_new_ones_are_refused() throws Exception {
        Path data = dir.resolve("data");
        SafelightServer server = SafelightServer.start(new ServeConfig(data, "127.0.0.1", 0, Set.of("accounts"),
                Database.sqliteUrl(data), null, null, null, URI.create("http://localhost:0"), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60).with(new Slow())
                .with(OperationsSettings.DEFAULTS.withShutdownGrace(Duration.ofSeconds(20))));
        URI base = server.url();
        CompletableFuture<HttpResponse<String>> upload = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(base.resolve("/slow-upload")).POST(HttpRequest.BodyPublishers.ofByteArray(
                        new byte[64 * 1024])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(inHandler.await(20, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try {
                int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/health/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                refused = status == 503;
            } catch (IOException e) {
                refused = true;
            }
        }
        assertThat(refused).as("new requests are refused (or not ready) once the stop began").isTrue();
        assertThat(stopping).as("the stop waits for the request in flight").isNotDone();

        release.countDown();
        HttpResponse<String> answer = upload.get(20, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("stored 65536 bytes");
        stopping.get(30, TimeUnit.SECONDS);
        assertThat(workerStoppedWhileInFlight).as("the workers stop after the requests in flight").isFalse();
    }

    @Test
    void during_the_drain_readiness_fails_while_new_connections_are_still_served() throws Exception {
        Path data = dir.resolve("data");
        SafelightServer server = SafelightServer.start(new ServeConfig(data, "127.0.0.1", 0, Set.of("accounts"),
                Database.sqliteUrl(data), null, null, null, URI.create("http://localhost:0"), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60)
                .with(OperationsSettings.DEFAULTS.withShutdownDrain(Duration.ofSeconds(5))));
        URI base = server.url();
        assertThat(fresh(base.resolve("/health/ready"))).isEqualTo(200);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int ready = 200;
        while (ready == 200 && System.nanoTime() < deadline) {
            ready = fresh(base.resolve("/health/ready"));
        }
        assertThat(ready).as("readiness fails as the stop begins").isEqualTo(503);
        assertThat(fresh(base.resolve("/health"))).as("a new connection is still served").isEqualTo(200);
        assertThat(stopping).as("the stop waits out the drain").isNotDone();
        stopping.get(30, TimeUnit.SECONDS);
    }

    /** A status over a new connection (a fresh client), as a load balancer's next request would open. */
    private static int fresh(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
