package org.safelight.accounts.testing;

import org.safelight.server.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.safelight.accounts.AccountsRole;
import org.safelight.accounts.AccountsStores;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.mail.Mailer;
import org.safelight.accounts.mail.OutboxMailer;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;
import org.safelight.server.http.ServerApp;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenVerifier;

/**
 * The accounts role on a real Javalin server on a free port, on a fresh SQLite database and data
 * folder, with a clock the test moves; plus an HTTP client that speaks to it.
 */
public final class AccountsServer implements AutoCloseable {
    public static final String PASSWORD = "violet tram harbour 42";
    /** The service credential a cloud role elsewhere records uploads with. */
    public static final String CLOUD_SERVICE_CREDENTIAL = "test-cloud-service-credential-0123456789";

    public final MutableClock clock = new MutableClock();
    public final Path dataDir;
    public final Database db;
    public final AccountsStores stores;
    public final SigningKeys keys;
    public final String base;
    private final Javalin app;
    private final HttpClient client = HttpClient.newHttpClient();

    private AccountsServer(Function<MutableClock, RateLimits> limits, BiFunction<Path, MutableClock, Mailer> mailer) {
        try {
            this.dataDir = Files.createTempDirectory("safelight-accounts-");
            this.db = TestDatabases.sqlite();
            this.stores = AccountsStores.open(db, clock);
            this.keys = SigningKeys.loadOrCreate(dataDir, clock);
            Mailer mail = mailer.apply(dataDir, clock);
            RateLimits rateLimits = limits.apply(clock);
            Javalin started = null;
            String url = null;
            for (int attempt = 1; started == null; attempt++) {
                int port;
                try (ServerSocket probe = new ServerSocket(0)) {
                    port = probe.getLocalPort();
                }
                url = "http://localhost:" + port;
                AccountsRole role = new AccountsRole(stores, mail, keys, URI.create(url), rateLimits,
                        PasswordHasher.standard(), new ServiceCredential(CLOUD_SERVICE_CREDENTIAL), clock);
                try {
                    started = ServerApp.create(List.of(role), config -> { }).start(port);
                } catch (io.javalin.util.JavalinBindException taken) {
                    if (attempt == 3) {
                        throw taken; // another process took the free port between the probe and the bind, 3 times
                    }
                }
            }
            this.base = url;
            this.app = started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Limits no test reaches, mail into the outbox. */
    public static AccountsServer start() {
        return start(AccountsServer::generous);
    }

    public static AccountsServer start(Function<MutableClock, RateLimits> limits) {
        return new AccountsServer(limits, (dir, clock) -> new OutboxMailer(dir, "Safelight <no-reply@safelight.test>",
                clock));
    }

    public static AccountsServer start(Function<MutableClock, RateLimits> limits,
                                       BiFunction<Path, MutableClock, Mailer> mailer) {
        return new AccountsServer(limits, mailer);
    }

    public static RateLimits generous(MutableClock clock) {
        return new RateLimits(new RateLimiter(10_000, 10_000, clock), new RateLimiter(10_000, 10_000, clock),
                new RateLimiter(10_000, 10_000, clock), new RateLimiter(10_000, 10_000, clock));
    }

    public Outbox outbox() {
        return new Outbox(dataDir.resolve("outbox"));
    }

    /** Verifies user tokens the way other roles do: over this server's JWKS URL. */
    public TokenVerifier verifier() {
        return new JwksTokenVerifier(new org.safelight.server.tokens.HttpJwks(URI.create(base), client), clock);
    }

    // --- HTTP ---

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> get(String path, String bearer) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + bearer).GET());
    }

    public HttpResponse<String> getUrl(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> post(String path, String json, String bearer) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields) {
        String form = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public HttpResponse<String> patch(String path, String json, String bearer) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer).method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> delete(String path, String bearer) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + bearer).DELETE());
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    // --- shortcuts for tests that need an account ---

    /** Signs up with the test password; returns the user id. */
    public String signUp(String email) {
        HttpResponse<String> r = post("/api/v1/accounts/signup", """
                {"email": "%s", "password": "%s", "first_name": "Ada", "last_name": "Okafor",
                 "title": "Dr", "country": "AU"}""".formatted(email, PASSWORD));
        if (r.statusCode() != 201) {
            throw new AssertionError("sign-up answered " + r.statusCode() + ": " + r.body());
        }
        return json(r).get("user_id").asText();
    }

    /** Signs up and opens the link in the verification message. */
    public String signUpVerified(String email) {
        String id = signUp(email);
        HttpResponse<String> r = getUrl(outbox().lastLinkTo(email));
        if (r.statusCode() != 200) {
            throw new AssertionError("verification answered " + r.statusCode());
        }
        return id;
    }

    /** The JSON answer of a successful sign-in. */
    public JsonNode signIn(String email) {
        HttpResponse<String> r = post("/api/v1/accounts/signin",
                "{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("sign-in answered " + r.statusCode() + ": " + r.body());
        }
        return json(r);
    }

    public String accessToken(String email) {
        return signIn(email).get("access_token").asText();
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
        db.close();
    }
}
