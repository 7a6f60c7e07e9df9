package org.safelight.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jakarta.mail.internet.MimeMessage;
import org.safelight.accounts.testing.Outbox;

/**
 * A client app's calls to the deployment (through nginx, or straight to one instance), as plain
 * HTTP. Each simulated user comes from an address of their own, which nginx passes on in
 * {@code X-Forwarded-For} and the instances trust from it, so per-address limits see many clients.
 *
 * <p>Requests that may be repeated safely (reads, key creation, which is idempotent, revocation)
 * are retried, at most {@link #ATTEMPTS} times, when the connection fails or nginx answers
 * 502/503/504 because an instance died under them; uploads are never retried. Every such failure
 * is counted ({@link #failures()}), retried or not. Thread-safe.
 */
final class ClusterClient {
    static final int ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final AtomicInteger failures = new AtomicInteger();

    ClusterClient(URI base) {
        this.base = base;
    }

    /** A person with an account: the address they sign up with, their password, where they connect from. */
    record User(String email, String password, String address) {
    }

    /** An HTTP answer. */
    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text(), e);
            }
        }

        @Override
        public String toString() {
            return status + " " + (body.length > 300 ? text().substring(0, 300) + "..." : text());
        }
    }

    /** Connections cut and 502/503/504 answers seen so far, retried or not. */
    int failures() {
        return failures.get();
    }

    URI base() {
        return base;
    }

    void signUp(User user) {
        Answer a = retried(post("/api/v1/accounts/signup", user, null, JSON.createObjectNode()
                .put("email", user.email())
                .put("password", user.password()).put("first_name", "Load").put("last_name", "Tester")
                .put("title", "Dr").put("country", "DE").toString()));
        expect(a, 202, "sign-up");
    }

    /**
     * Confirms the user's address with the link of the message one of the instances wrote to its
     * outbox (whichever took the sign-up), waiting up to 60 s for it.
     */
    void verify(User user, List<Path> outboxes) throws InterruptedException {
        String link = awaitLink(user.email(), outboxes);
        Answer a = retried(HttpRequest.newBuilder(URI.create(link)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("X-Forwarded-For", user.address())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("password", user.password())
                        // in the body: the JSON form reads the token from there only (not from ?token=)
                        .put("token", link.substring(link.indexOf("token=") + "token=".length())).toString())));
        expect(a, 200, "verification");
    }

    private static String awaitLink(String email, List<Path> outboxes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (Path outbox : outboxes) {
                List<MimeMessage> mine = new Outbox(outbox).messagesTo(email);
                if (!mine.isEmpty()) {
                    return Outbox.linkIn(mine.get(mine.size() - 1));
                }
            }
            Thread.sleep(50); // mail is written after the answer: polling the folders, with the deadline above
        }
        throw new AssertionError("no message to " + email + " in any instance's outbox after 60 s");
    }

    /** A user token (15 minutes). */
    String signIn(User user) {
        return signIn(base, user);
    }

    /** A user token from the accounts role at {@code at}. */
    String signIn(URI at, User user) {
        Answer a = signInOnce(at, user, user.password());
        expect(a, 200, "sign-in");
        return a.json().path("access_token").asText();
    }

    /** One sign-in attempt at {@code at}, not retried (failures count against the account's limit). */
    Answer signInOnce(URI at, User user, String password) {
        return once(post("/api/v1/accounts/signin", user, null, JSON.createObjectNode().put("email", user.email())
                .put("password", password).toString()).uri(at.resolve("/api/v1/accounts/signin")));
    }

    /** A token for the deployment's key server (its public URL), for {@code userToken}'s user. */
    String keyServerToken(User user, String userToken) {
        return keyServerToken(base, user, userToken);
    }

    /** The same, asked of the accounts role at {@code at} (an instance, or the public URL). */
    String keyServerToken(URI at, User user, String userToken) {
        HttpRequest.Builder request = post("/api/v1/accounts/key-server-token", user, userToken,
                JSON.createObjectNode().put("key_server", base.toString()).toString()).uri(at.resolve(
                "/api/v1/accounts/key-server-token"));
        Answer a = retried(request);
        expect(a, 200, "token exchange");
        return a.json().path("access_token").asText();
    }

    /** The user's profile, as the instance at {@code at} sees the token: 200 when it accepts it. */
    Answer me(URI at, User user, String userToken) {
        return once(HttpRequest.newBuilder(at.resolve("/api/v1/accounts/me")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + userToken).header("X-Forwarded-For", user.address()).GET());
    }

    /** The report's key, made by the key server (201) or the one it already made (200). */
    Answer createKey(User user, String keyServerToken, String reportId) {
        return createKey(base, user, keyServerToken, reportId);
    }

    /** The same, asked of the key server at {@code at}. */
    Answer createKey(URI at, User user, String keyServerToken, String reportId) {
        return retried(post("/api/v1/reports/" + reportId + "/key", user, keyServerToken, null)
                .uri(at.resolve("/api/v1/reports/" + reportId + "/key")));
    }

    /** The report's key as the instance at {@code at} hands it out (not retried: the caller counts). */
    Answer fetchKey(URI at, User user, String keyServerToken, String reportId) {
        return once(HttpRequest.newBuilder(at.resolve("/api/v1/reports/" + reportId + "/key")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + keyServerToken).header("X-Forwarded-For", user.address()).GET());
    }

    Answer revoke(User user, String keyServerToken, String reportId) {
        return retried(post("/api/v1/reports/" + reportId + "/revoke", user, keyServerToken, null));
    }

    /** One upload of a sealed report to the cloud, never retried: a second try would store it twice. */
    Answer upload(User user, String userToken, byte[] sealed) {
        return once(HttpRequest.newBuilder(base.resolve("/api/v1/cloud/reports")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + userToken).header("X-Forwarded-For", user.address())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sealed)));
    }

    Answer download(User user, String userToken, String downloadUrl) {
        return retried(HttpRequest.newBuilder(URI.create(downloadUrl)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + userToken).header("X-Forwarded-For", user.address()).GET());
    }

    private HttpRequest.Builder post(String path, User user, String bearer, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("X-Forwarded-For", user.address())
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    /** One try; a cut connection is answered as status 0 and counted. */
    Answer once(HttpRequest.Builder request) {
        try {
            Answer a = send(request.build());
            if (a.status() == 502 || a.status() == 503 || a.status() == 504) {
                failures.incrementAndGet();
            }
            return a;
        } catch (IOException e) {
            failures.incrementAndGet();
            return new Answer(0, ("connection failed: " + e).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Up to {@link #ATTEMPTS} tries while the connection fails or nginx finds no live instance. */
    private Answer retried(HttpRequest.Builder request) {
        Answer a = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            a = once(request);
            if (a.status() != 0 && a.status() != 502 && a.status() != 503 && a.status() != 504) {
                return a;
            }
        }
        return a;
    }

    private Answer send(HttpRequest request) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expect(Answer a, int status, String what) {
        if (a.status() != status) {
            throw new AssertionError(what + " answered " + a + ", expected " + status);
        }
    }
}
