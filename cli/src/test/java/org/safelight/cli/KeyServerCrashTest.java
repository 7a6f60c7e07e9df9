package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.testing.Ports;

/**
 * Fail closed under a crash (DESIGN §5): the key server, a separate JVM, is killed with SIGKILL in
 * the middle of a burst of concurrent key fetches. After a restart on the same data folder the
 * audit chain must verify, and it must hold a granted {@code key_fetched} event for every key a
 * client actually received: no key leaves before its event is committed.
 *
 * <p>A SIGKILL stops the process, not the machine: what the operating system has already been
 * given survives it even without an fsync. So this checks the order (commit, then answer), not
 * that the commit reached the disk; that is what {@code synchronous=FULL} is for.
 */
class KeyServerCrashTest {
    /** Concurrent fetchers in the burst. */
    private static final int FETCHERS = 8;
    /** The server is killed once this many keys have arrived: mid-burst, whatever the machine's speed. */
    private static final int KILL_AFTER_KEYS = 150;

    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private ExecutorService fetchers;

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (fetchers != null) {
            fetchers.shutdownNow();
            fetchers.awaitTermination(10, TimeUnit.SECONDS);
        }
        for (Process p : servers) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void every_key_a_client_received_before_a_kill_9_has_its_audit_event_after_the_restart() throws Exception {
        Path data = dir.resolve("data");
        Started first = startServer(data, "first");
        Process server = first.process();
        String url = "http://127.0.0.1:" + first.port();

        // A verified, signed-in user with one sealed report (its key made by the server).
        TestUsers users = new TestUsers(dir, data, url);
        users.signUpVerifyAndLogIn("crash", "crash@example.org");
        Cli.Result seal = users.run("crash", "seal", Fixtures.draft(dir.resolve("draft")).toString(), "-o",
                dir.resolve("sent") + "/", "--keyserver", url);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        String reportId;
        try (Stream<Path> sent = Files.list(dir.resolve("sent"))) {
            reportId = sent.findFirst().orElseThrow().getFileName().toString().replace(".picsafe", "");
        }
        CloudHttp accounts = new CloudHttp(url);
        String token = accounts.keyServerToken(accounts.token("crash", "crash@example.org"), url);
        URI keyUrl = URI.create(url + "/api/v1/reports/" + reportId + "/key");

        // The burst: every fetcher fetches until its connection fails after the kill.
        Queue<String> received = new ConcurrentLinkedQueue<>();
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch enough = new CountDownLatch(KILL_AFTER_KEYS);
        AtomicBoolean killed = new AtomicBoolean();
        fetchers = Executors.newFixedThreadPool(FETCHERS);
        List<Future<Integer>> failuresAfterKill = new ArrayList<>();
        for (int i = 0; i < FETCHERS; i++) {
            failuresAfterKill.add(fetchers.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    HttpResponse<String> answer;
                    try {
                        answer = http.send(HttpRequest.newBuilder(keyUrl).header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        if (killed.get()) {
                            return 1; // the server is gone: this fetcher is done
                        }
                        unexpected.add("before the kill: " + e);
                        return 0;
                    }
                    if (answer.statusCode() == 200) {
                        JsonNode body = new ObjectMapper().readTree(answer.body());
                        if (body.hasNonNull("key")) {
                            received.add(body.get("key").asText());
                            enough.countDown();
                            continue;
                        }
                    }
                    unexpected.add(answer.statusCode() + " " + answer.body());
                    return 0;
                }
                return 0;
            }));
        }
        assertThat(enough.await(60, TimeUnit.SECONDS)).as("%d keys arrived within 60 s (%s)", KILL_AFTER_KEYS,
                unexpected).isTrue();
        killed.set(true);
        server.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
        assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("the server died").isTrue();
        int fetchersCutOff = 0;
        for (Future<Integer> f : failuresAfterKill) {
            fetchersCutOff += f.get(30, TimeUnit.SECONDS);
        }
        fetchers.shutdown();
        assertThat(unexpected).as("nothing but keys before the kill").isEmpty();
        assertThat(fetchersCutOff).as("every fetcher was still fetching when the server died").isEqualTo(FETCHERS);
        int keysReceived = received.size();
        assertThat(keysReceived).isGreaterThanOrEqualTo(KILL_AFTER_KEYS);
        assertThat(received.stream().distinct()).as("one report, one key").hasSize(1);

        // Restart on the same data folder: it recovers the database and serves the same key again.
        Started second = startServer(data, "restarted");
        Process restarted = second.process();
        int port2 = second.port();
        // Another origin now (the port): the tokens of the first are for another issuer and key server.
        CloudHttp accounts2 = new CloudHttp("http://127.0.0.1:" + port2);
        String token2 = accounts2.keyServerToken(accounts2.token("crash", "crash@example.org"),
                "http://127.0.0.1:" + port2);
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port2 + "/api/v1/reports/" + reportId + "/key"))
                .header("Authorization", "Bearer " + token2).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(again.body()).get("key").asText()).isEqualTo(received.peek());
        restarted.destroy(); // a clean stop this time
        assertThat(restarted.waitFor(30, TimeUnit.SECONDS)).as("the restarted server stopped").isTrue();

        Cli.Result verify = Cli.run("audit", "verify", "--data-dir", data.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.out()).startsWith("OK");
        Cli.Result export = Cli.run("audit", "export", "--data-dir", data.toString());
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        long granted = 0;
        for (String line : export.out().lines().toList()) {
            JsonNode event = new ObjectMapper().readTree(line);
            if (event.get("report_id").asText().equals(reportId) && event.get("action").asText().equals("key_fetched")
                    && event.get("outcome").asText().equals("granted")) {
                granted++;
            }
        }
        // Every key received, plus the one fetched after the restart, is on the record.
        assertThat(granted).as("granted key_fetched events for %d keys received before the kill and 1 after",
                keysReceived).isGreaterThanOrEqualTo(keysReceived + 1L);
        System.out.printf("KeyServerCrashTest: %d keys received before the SIGKILL, %d granted key_fetched events"
                + " after the restart (including 1 fetch after it)%n", keysReceived, granted);
    }

    private record Started(Process process, int port) {
    }

    /** {@code safelight serve} on a free port (again on another when it was taken, {@link Ports}). */
    private Started startServer(Path data, String name) throws Exception {
        return Ports.onFreePort(port -> new Started(startServer(data, port, name + "-" + port), port));
    }

    /** {@code safelight serve} in its own JVM, from the test classpath; output to files so it never blocks. */
    private Process startServer(Path data, int port, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), "org.safelight.cli.Main", "serve",
                "--data-dir", data.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--public-url", "http://127.0.0.1:" + port, "--key-requests-per-minute", "1000000");
        // Nothing from the outside (a master key, a database URL) may change what this server runs on.
        pb.environment().keySet().removeIf(k -> k.startsWith("SAFELIGHT_"));
        pb.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server-" + name + ".out").toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("server-" + name + ".err").toFile()));
        Process p = pb.start();
        servers.add(p);
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String err = Files.readString(dir.resolve("server-" + name + ".err"), StandardCharsets.UTF_8)
                        + Files.readString(dir.resolve("server-" + name + ".out"), StandardCharsets.UTF_8);
                if (err.contains("already in use")) {
                    throw new Ports.PortTaken("port " + port + " was taken before the server bound it");
                }
                throw new AssertionError("the " + name + " server exited with " + p.exitValue() + ": " + err);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + name + " server did not answer /health within 60 s");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
