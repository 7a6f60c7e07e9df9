package org.safelight.endpoint.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.testing.SampleReports;
import org.safelight.server.http.Json;

/** The forward against a real HTTP server on port 0 that checks what arrives as middleware would. */
class ForwardDestinationTest {
    private static final byte[] SECRET = "a-shared-secret-of-the-institution".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-27T23:00:00Z");

    @TempDir
    Path dir;

    private HttpServer server;
    private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;

    /** One request as the middleware saw it: signature checked, parts by name. */
    record Received(boolean signatureValid, String reportId, String contentLength, Map<String, byte[]> parts,
                    Map<String, String> fileNames, Map<String, String> types) {
    }

    @BeforeEach
    void startMiddleware() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/intake", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (hang) {
                    release.await(30, TimeUnit.SECONDS);
                }
                boolean valid = ForwardSignature.verify(SECRET, exchange.getRequestHeaders().getFirst("Safelight-Signature"),
                        body, NOW.plusSeconds(30), ForwardSignature.DEFAULT_MAX_SKEW);
                Map<String, byte[]> parts = new LinkedHashMap<>();
                Map<String, String> fileNames = new LinkedHashMap<>();
                Map<String, String> types = new LinkedHashMap<>();
                MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(body,
                        exchange.getRequestHeaders().getFirst("Content-Type")));
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    String name = part.getHeader("Content-Disposition")[0].replaceAll(".*; name=\"([^\"]*)\".*", "$1");
                    parts.put(name, part.getInputStream().readAllBytes());
                    fileNames.put(name, part.getFileName());
                    types.put(name, part.getContentType());
                }
                received.add(new Received(valid, exchange.getRequestHeaders().getFirst("Safelight-Report-Id"),
                        exchange.getRequestHeaders().getFirst("Content-Length"), parts, fileNames, types));
                Integer status = answers.poll();
                exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            } catch (Exception e) {
                exchange.sendResponseHeaders(599, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stopMiddleware() {
        release.countDown();
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/intake");
    }

    private ForwardDestination forward(URI url, Duration answerTimeout) {
        return new ForwardDestination(url, SECRET, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2), answerTimeout);
    }

    private OpenedReport report() throws IOException {
        Path contents = Files.createDirectories(dir.resolve("contents"));
        Map<String, String> hashes = new LinkedHashMap<>();
        Map<String, byte[]> files = Map.of(
                "metadata.json", MetadataJson.write(SampleReports.metadata(SampleReports.photo("p1"))),
                "report.pdf", "%PDF-1.7 not really".getBytes(StandardCharsets.US_ASCII),
                "p1.jpg", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3, (byte) 0xff, (byte) 0xd9});
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(contents.resolve(f.getKey()), f.getValue());
            hashes.put(f.getKey(), ForwardSignature.sha256Hex(f.getValue()));
        }
        return new OpenedReport(SampleReports.REPORT_ID, contents, SampleReports.metadata(SampleReports.photo("p1")),
                new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org", true, null,
                        Instant.parse("2026-11-27T22:59:00Z")),
                "dynamic", "ab".repeat(32), hashes, NOW);
    }

    @Test
    void a_report_is_posted_signed_with_its_report_json_and_every_file_as_a_named_part() throws Exception {
        OpenedReport report = report();
        forward(url(), Duration.ofSeconds(10)).deliver(report);

        assertThat(received).hasSize(1);
        Received got = received.get(0);
        assertThat(got.signatureValid()).isTrue();
        assertThat(got.reportId()).isEqualTo(SampleReports.REPORT_ID);
        assertThat(got.contentLength()).isNotNull();
        assertThat(got.parts().keySet()).containsExactly("report_json", "metadata.json", "p1.jpg", "report.pdf");
        for (String name : List.of("metadata.json", "p1.jpg", "report.pdf")) {
            assertThat(got.parts().get(name)).isEqualTo(Files.readAllBytes(report.contents().resolve(name)));
            assertThat(got.fileNames().get(name)).isEqualTo(name);
        }
        assertThat(got.types().get("p1.jpg")).isEqualTo("image/jpeg");
        assertThat(got.types().get("report.pdf")).isEqualTo("application/pdf");

        JsonNode json = Json.MAPPER.readTree(got.parts().get("report_json"));
        assertThat(json.get("report_id").asText()).isEqualTo(SampleReports.REPORT_ID);
        assertThat(json.get("sender_email").asText()).isEqualTo("noor.haddad@example.org");
        assertThat(json.get("sender_verified").asBoolean()).isTrue();
        assertThat(json.get("source").asText()).isEqualTo("https");
        assertThat(json.get("received_at").asText()).isEqualTo("2026-11-27T22:59:00Z");
        assertThat(json.get("kind").asText()).isEqualTo("dynamic");
        assertThat(json.get("sha256").asText()).isEqualTo(report.sha256());
        assertThat(json.get("files").get("report.pdf").asText()).isEqualTo(report.fileHashes().get("report.pdf"));
    }

    @Test
    void a_middleware_that_is_down_is_retried_later_not_parked() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        ForwardDestination forward = forward(URI.create("http://127.0.0.1:" + closedPort + "/intake"), Duration.ofSeconds(5));
        assertThatThrownBy(() -> forward.deliver(report()))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.getMessage()).contains("refused the connection");
                });
    }

    @Test
    void a_500_is_retried_and_the_next_attempt_is_delivered() throws Exception {
        answers.add(500);
        ForwardDestination forward = forward(url(), Duration.ofSeconds(10));
        OpenedReport report = report();
        assertThatThrownBy(() -> forward.deliver(report))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 500");
                });
        forward.deliver(report);
        assertThat(received).hasSize(2).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        assertThat(received.get(0).parts().get("report_json")).isEqualTo(received.get(1).parts().get("report_json"));
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 502, 503})
    void busy_or_failing_answers_are_retried(int status) throws Exception {
        answers.add(status);
        assertThatThrownBy(() -> forward(url(), Duration.ofSeconds(10)).deliver(report()))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isFalse());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 413, 301})
    void a_refusal_parks_the_delivery_with_the_status_in_its_message(int status) throws Exception {
        answers.add(status);
        assertThatThrownBy(() -> forward(url(), Duration.ofSeconds(10)).deliver(report()))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.getMessage()).contains("HTTP " + status);
                });
    }

    @Test
    void a_middleware_that_never_answers_times_out_and_is_retried() throws Exception {
        hang = true;
        assertThatThrownBy(() -> forward(url(), Duration.ofMillis(300)).deliver(report()))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.getMessage()).contains("did not answer in time");
                });
    }

    @Test
    void plain_http_to_another_machine_and_a_short_secret_are_refused_at_start() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), HexFormat.of().formatHex(new byte[32]) + "\n");
        assertThat(ForwardDestination.create(URI.create("https://middleware.hospital.example/in"), secret, false,
                Clock.systemUTC()).name()).isEqualTo("forward");
        assertThat(ForwardDestination.create(URI.create("http://localhost:9000/in"), secret, false, Clock.systemUTC()))
                .isNotNull();
        assertThatThrownBy(() -> ForwardDestination.create(URI.create("http://middleware.hospital.example/in"), secret,
                false, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://");
        assertThat(ForwardDestination.create(URI.create("http://middleware.hospital.example/in"), secret, true,
                Clock.systemUTC())).isNotNull();
        Path shortSecret = Files.writeString(dir.resolve("short"), "hunter2\n");
        assertThatThrownBy(() -> ForwardDestination.create(URI.create("https://m.example/in"), shortSecret, false,
                Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
    }

    @Test
    void the_secret_file_is_read_without_its_line_end() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "  a-shared-secret-of-the-institution\r\n");
        assertThat(ForwardDestination.readSecret(secret)).isEqualTo(SECRET);
    }
}
