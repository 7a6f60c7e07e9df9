package org.safelight.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.report.ReportId;

/**
 * Load on a running server as clients make it: each thread, as one signed-in user, makes a key for
 * a new report, seals a small package under it, uploads it to the cloud, and fetches the key again.
 * A report counts as acknowledged when its upload answered 201; the time of that answer is kept.
 */
final class ReportLoad {
    /** A user's tokens: for accounts and the cloud, and for the key server. */
    record User(String who, String email, String userToken, String keyServerToken) {
    }

    /** A report whose key and upload the server acknowledged, with what it holds. */
    record Acked(String reportId, User owner, String key, String downloadUrl, byte[] packageZip, long ackedNanos) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Queue<Acked> acked = new ConcurrentLinkedQueue<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private ExecutorService threads;

    ReportLoad(String url) {
        this.url = url;
    }

    /** One thread per user, until {@link #stop}. */
    void start(List<User> users) {
        threads = Executors.newFixedThreadPool(users.size());
        for (User u : users) {
            threads.submit(() -> {
                while (!stopping.get() && !Thread.currentThread().isInterrupted()) {
                    try {
                        once(u);
                    } catch (IOException | RuntimeException e) {
                        errors.add(u.who() + ": " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
    }

    private void once(User u) throws IOException, InterruptedException {
        String id = "bk" + ReportId.randomAlphanumerics(20);
        URI keyUrl = URI.create(url + "/api/v1/reports/" + id + "/key");
        HttpResponse<String> created = send(HttpRequest.newBuilder(keyUrl).POST(HttpRequest.BodyPublishers.noBody()),
                u.keyServerToken());
        if (created.statusCode() != 201) {
            errors.add("key for a new report: " + created.statusCode() + " " + created.body());
            return;
        }
        String key = CloudHttp.json(created.body()).path("key").asText();
        byte[] pkg = new byte[4096 + RANDOM.nextInt(60_000)];
        RANDOM.nextBytes(pkg);
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        PicsafeWriter.write(sealed, new Protection.DynamicKey(key, url), id, out -> out.write(pkg));
        HttpResponse<String> up = send(HttpRequest.newBuilder(URI.create(url + "/api/v1/cloud/reports"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sealed.toByteArray())), u.userToken());
        if (up.statusCode() != 201) {
            errors.add("upload: " + up.statusCode() + " " + up.body());
            return;
        }
        acked.add(new Acked(id, u, key, CloudHttp.json(up.body()).path("download_url").asText(), pkg,
                System.nanoTime()));
        HttpResponse<String> fetched = send(HttpRequest.newBuilder(keyUrl).GET(), u.keyServerToken());
        if (fetched.statusCode() != 200 || !fetched.body().contains(key)) {
            errors.add("key fetch: " + fetched.statusCode());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String bearer)
            throws IOException, InterruptedException {
        return http.send(request.header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code count} reports are acknowledged in all, or the deadline passes. */
    boolean awaitAcked(int count, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (acked.size() < count && errors.isEmpty()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20); // polling a counter, with a deadline
        }
        return acked.size() >= count;
    }

    /** The reports acknowledged before {@code nanos} ({@link System#nanoTime}). */
    List<Acked> ackedBefore(long nanos) {
        List<Acked> before = new ArrayList<>();
        for (Acked a : acked) {
            if (a.ackedNanos() < nanos) {
                before.add(a);
            }
        }
        return before;
    }

    int ackedCount() {
        return acked.size();
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** Stops the threads after their current request; safe to call twice. */
    void stop() throws InterruptedException {
        stopping.set(true);
        if (threads != null) {
            threads.shutdown();
            if (!threads.awaitTermination(90, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        }
    }
}
