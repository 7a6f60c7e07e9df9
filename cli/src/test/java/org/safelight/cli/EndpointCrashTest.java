package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.Zips;
import org.safelight.server.http.ServiceCredential;

/**
 * Store first, acknowledge second (DESIGN §6), under {@code kill -9}: a real {@code safelight serve
 * --roles endpoint} in its own JVM (trusting an accounts server in this one) is killed while reports
 * are being posted, and while it is delivering them; after a restart on the same data folder every
 * report it acknowledged is filed, once, in the folder destination, and every delivery is recorded
 * as delivered.
 */
class EndpointCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POSTERS = 4;

    @TempDir
    Path dir;
    private static final String SERVICE_CREDENTIAL = "endpoint-crash-test-service-credential-0123456789";

    private SafelightServer accounts;
    private String accountsUrl;
    private String userToken;
    private final List<Process> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private ExecutorService posters;
    private HttpServer middleware;

    @BeforeEach
    void accountsServer() throws Exception {
        accounts = TestServer.start(dir.resolve("accounts"), Set.of("accounts"), null,
                ServeConfig.Cloud.DEFAULTS.withServiceCredential(new ServiceCredential(SERVICE_CREDENTIAL)),
                Clock.systemUTC());
        accountsUrl = accounts.url().toString().replaceAll("/$", "");
        TestUsers users = new TestUsers(dir, dir.resolve("accounts"), accountsUrl);
        users.signUpVerifyAndLogIn("crash", "crash@hospital.example");
        userToken = new CloudHttp(accountsUrl).token("crash", "crash@hospital.example");
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (posters != null) {
            posters.shutdownNow();
            posters.awaitTermination(10, TimeUnit.SECONDS);
        }
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (middleware != null) {
            middleware.stop(0);
        }
        accounts.close();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void every_report_acknowledged_before_a_kill_9_during_intake_is_filed_once_after_the_restart() throws Exception {
        Path data = dir.resolve("endpoint");
        int port = freePort();
        String publicUrl = "http://127.0.0.1:" + port;
        Process first = startEndpoint(data, port, publicUrl, "first", List.of());
        String token = endpointToken(publicUrl);

        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch enough = new CountDownLatch(20);
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger counter = new AtomicInteger();
        posters = Executors.newFixedThreadPool(POSTERS);
        for (int i = 0; i < POSTERS; i++) {
            posters.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    String id = "crash-" + counter.incrementAndGet();
                    HttpResponse<String> answer;
                    try {
                        answer = post(port, token, plainReport(id, 200_000));
                    } catch (IOException e) {
                        if (!killed.get()) {
                            unexpected.add("before the kill: " + e);
                        }
                        return null;
                    }
                    if (answer.statusCode() == 200 && JSON.readTree(answer.body()).path("success").asBoolean()) {
                        acknowledged.add(JSON.readTree(answer.body()).path("report_id").asText());
                        enough.countDown();
                    } else {
                        unexpected.add(answer.statusCode() + " " + answer.body());
                        return null;
                    }
                }
                return null;
            });
        }
        assertThat(enough.await(120, TimeUnit.SECONDS)).as("20 reports acknowledged (%s)", unexpected).isTrue();
        killed.set(true);
        first.destroyForcibly(); // SIGKILL, mid-intake: posters are still sending
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        posters.shutdown();
        assertThat(posters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(unexpected).as("nothing but acknowledgements before the kill").isEmpty();
        List<String> acked = List.copyOf(acknowledged);

        Process second = startEndpoint(data, port, publicUrl, "restarted", List.of());
        awaitFiled(data, acked);
        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("the restarted server stopped").isTrue();

        Map<String, String> deliveries = deliveries(data);
        for (String id : acked) {
            assertThat(deliveries.get(id + "/folder")).as(id).isEqualTo("delivered");
        }
        assertThat(stagingLeft(data)).isZero();
        System.out.printf("EndpointCrashTest (intake): %d acknowledged before the SIGKILL, all filed once after the"
                + " restart; %d reports recorded in all%n", acked.size(), deliveries.size());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void a_kill_9_during_delivery_delivers_every_report_once_per_destination_after_the_restart() throws Exception {
        Path data = dir.resolve("endpoint");
        int port = freePort();
        String publicUrl = "http://127.0.0.1:" + port;
        // The institution's middleware: holds its first request (the endpoint is mid-delivery when killed).
        Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdFirst = new AtomicBoolean(true);
        AtomicBoolean holding = new AtomicBoolean(false);
        Set<String> cutOff = ConcurrentHashMap.newKeySet();
        middleware = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        middleware.setExecutor(Executors.newCachedThreadPool());
        middleware.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String id = exchange.getRequestHeaders().getFirst("Safelight-Report-Id");
            boolean first = holdFirst.compareAndSet(true, false);
            if (first || holding.get()) {
                // The first forward, and any other that arrives while it is held, stays unanswered
                // until the endpoint that sent it is dead: these are the forwards the kill cuts off.
                if (first) {
                    holding.set(true);
                    held.countDown();
                }
                cutOff.add(id);
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close(); // the endpoint that sent it is dead by now
                return;
            }
            forwarded.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        middleware.start();
        Path secret = Files.writeString(dir.resolve("forward.secret"), "a-forward-secret-of-the-institution");
        List<String> forward = List.of("--endpoint-forward-url", "http://127.0.0.1:" + middleware.getAddress().getPort()
                + "/reports", "--endpoint-forward-secret-file", secret.toString());

        Process first = startEndpoint(data, port, publicUrl, "first", forward);
        String token = endpointToken(publicUrl);
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> answer = post(port, token, plainReport("deliver-" + i, 50_000));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            acked.add("deliver-" + i);
        }
        assertThat(held.await(60, TimeUnit.SECONDS)).as("the pipeline reached the middleware").isTrue();
        // A forward answered just before the hold may not be recorded yet; killing then would make its
        // re-send (at least once, by design: the receiver drops it by Safelight-Report-Id) look like a
        // double delivery. Kill once every answered forward is recorded, with the held ones under way.
        awaitRecorded(data, forwarded.keySet());
        first.destroyForcibly(); // SIGKILL while a forward is under way
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        holding.set(false);
        release.countDown();

        Process second = startEndpoint(data, port, publicUrl, "restarted", forward);
        awaitFiled(data, acked);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // The claim held by the killed server comes due again when its lease ends: wait for it, bounded.
        while (System.nanoTime() < deadline && !allDelivered(data, acked)) {
            Thread.sleep(200);
        }
        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Map<String, String> deliveries = deliveries(data);
        for (String id : acked) {
            assertThat(deliveries.get(id + "/folder")).as(id).isEqualTo("delivered");
        }
        assertThat(stagingLeft(data)).isZero();
        System.out.printf("EndpointCrashTest (delivery): cut off by the kill %s; forwards %s%n", cutOff, forwarded);
        // The middleware saw every report once (the forward the kill cut off is not counted: it never answered).
        assertThat(forwarded.keySet()).containsExactlyInAnyOrderElementsOf(acked);
        assertThat(forwarded.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        for (String id : acked) {
            assertThat(deliveries.get(id + "/forward")).as(id).isEqualTo("delivered");
        }
        System.out.printf("EndpointCrashTest (delivery): forwards after the restart %s; deliveries %s%n", forwarded,
                deliveries);
    }

    private boolean allDelivered(Path data, List<String> ids) throws Exception {
        Map<String, String> d = deliveries(data);
        return ids.stream().allMatch(id -> "delivered".equals(d.get(id + "/folder"))
                && (!d.containsKey(id + "/forward") || "delivered".equals(d.get(id + "/forward"))));
    }

    /** Waits (bounded) until the running endpoint has recorded each of {@code ids}' forward as delivered. */
    private static void awaitRecorded(Path data, Set<String> ids) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                Map<String, String> d = deliveries(data);
                if (ids.stream().allMatch(id -> "delivered".equals(d.get(id + "/forward")))) {
                    return;
                }
            } catch (java.sql.SQLException busy) {
                // the endpoint is writing: read again
            }
            Thread.sleep(50);
        }
        throw new AssertionError("forwards answered but not recorded within 30 s: " + ids);
    }

    private void awaitFiled(Path data, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (ids.stream().allMatch(id -> Files.exists(data.resolve("endpoint/filed/" + id + "/report.json")))) {
                return;
            }
            Thread.sleep(100);
        }
        List<String> missing = ids.stream()
                .filter(id -> !Files.exists(data.resolve("endpoint/filed/" + id + "/report.json"))).toList();
        throw new AssertionError("acknowledged but not filed within 120 s: " + missing);
    }

    /** {@code report_id/destination} → status, read from the endpoint's SQLite file. */
    private static Map<String, String> deliveries(Path data) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("safelight.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT report_id, destination, status FROM endpoint_deliveries")) {
            while (rs.next()) {
                out.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
            }
        }
        return out;
    }

    private static long stagingLeft(Path data) throws IOException {
        try (Stream<Path> all = Files.list(data.resolve("endpoint/filed"))) {
            return all.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    private String endpointToken(String endpointUrl) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(accountsUrl + "/api/v1/accounts/endpoint-token"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userToken)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("endpoint", endpointUrl).toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("token").asText();
    }

    private HttpResponse<String> post(int port, String token, byte[] file) throws IOException {
        String boundary = "----crash" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + token
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"picsafe_file\"; filename=\"r.zip\""
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/report"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A plain report ZIP of {@code id} with a photo of {@code bytes} random (incompressible) bytes. */
    private static byte[] plainReport(String id, int bytes) throws IOException {
        ReportMetadata m = SampleReports.metadata(SampleReports.photo("1"));
        m = m.withDetails(m.details().withReportId(id));
        byte[] photo = new byte[bytes];
        new java.util.Random(id.hashCode()).nextBytes(photo);
        return Zips.create().add("metadata.json", MetadataJson.write(m)).add("report.pdf", "%PDF " + id)
                .add("1.jpg", photo).add("1-thumbnail.jpg", "thumb").bytes();
    }

    /** {@code safelight serve --roles endpoint} in its own JVM, trusting the accounts server of this one. */
    private Process startEndpoint(Path data, int port, String publicUrl, String name, List<String> extra)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), "org.safelight.cli.Main", "serve", "--roles", "endpoint",
                "--data-dir", data.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--public-url", publicUrl, "--accounts-url", accountsUrl, "--endpoint-allow-plain-http"));
        command.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SAFELIGHT_"));
        pb.environment().put("SAFELIGHT_SERVICE_CREDENTIAL", SERVICE_CREDENTIAL); // apart from accounts: required
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("endpoint-" + name + ".out").toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("endpoint-" + name + ".err").toFile()));
        Process p = pb.start();
        servers.add(p);
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the " + name + " endpoint exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("endpoint-" + name + ".err")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + name + " endpoint did not answer /health within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }
}
