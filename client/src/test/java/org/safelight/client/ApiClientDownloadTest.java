package org.safelight.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ApiClientDownloadTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private URI base;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        // sends 10 of the 1,000 bytes it announces, then nothing until the test ends
        server.createContext("/stalls", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[10]);
            out.flush();
            await();
            exchange.close();
        });
        // slow but steady: 20 pieces of 100 bytes, 50 ms apart
        server.createContext("/trickles", exchange -> {
            exchange.sendResponseHeaders(200, 2000);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] piece = new byte[100];
                Arrays.fill(piece, (byte) 7);
                for (int i = 0; i < 20; i++) {
                    out.write(piece);
                    out.flush();
                    pause(50);
                }
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void a_download_that_stops_arriving_is_given_up_with_a_clear_error() {
        ApiClient client = new ApiClient(HttpClient.newHttpClient(), Duration.ofMillis(500));
        Path target = dir.resolve("report.picsafe");

        assertThatThrownBy(() -> client.download(base.resolve("/stalls"), "slak_x", target))
                .isInstanceOf(IOException.class).hasMessageContaining("stalled");
    }

    @Test
    void a_slow_but_steady_download_completes() throws IOException {
        ApiClient client = new ApiClient(HttpClient.newHttpClient(), Duration.ofSeconds(5));
        Path target = dir.resolve("report.picsafe");

        assertThat(client.download(base.resolve("/trickles"), "slak_x", target)).isEqualTo(2000);
        byte[] expected = new byte[2000];
        Arrays.fill(expected, (byte) 7);
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
    }

    private void await() {
        try {
            release.await(50, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
