package org.safelight.accounts.testing;

import org.safelight.server.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.safelight.accounts.storage.StorageConnections;
import org.safelight.accounts.storage.StorageSettings;
import org.safelight.accounts.sends.SendLimits;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.server.crypto.MasterKey;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.testing.JsonClient;
import org.safelight.server.testing.RoleServer;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenVerifier;

/**
 * The accounts role on a real HTTP server on port 0 ({@link RoleServer}), on a fresh SQLite database
 * and data folder, with a clock the test moves; plus an HTTP client that speaks to it.
 */
public final class AccountsServer implements AutoCloseable {
    public static final String PASSWORD = "violet tram harbour 42";
    private static final TrustedProxies PROXIES = TrustedProxies.parse(List.of("127.0.0.0/8", "::1"));
    /** The service credential a cloud role elsewhere records uploads with. */
    public static final String CLOUD_SERVICE_CREDENTIAL = "test-cloud-service-credential-0123456789";

    public final MutableClock clock = new MutableClock();
    public final Path dataDir;
    public final Database db;
    public final AccountsStores stores;
    public final SigningKeys keys;
    public final String base;
    /** The users' storage tokens, when Box or Dropbox is configured (else null). */
    public final StorageConnections connections;
    private final RoleServer server;
    private final JsonClient http;
    /** The process's master key, as {@code serve} has one: signing keys and storage tokens are sealed with it. */
    private final MasterKey masterKey;
    private AccountsRole role;

    private AccountsServer(Function<MutableClock, RateLimits> limits, BiFunction<Path, MutableClock, Mailer> mailer) {
        this(TestDatabases.sqlite(), limits, mailer, SendLimits.STANDARD, StorageSettings.NONE);
    }

    private AccountsServer(Database database, Function<MutableClock, RateLimits> limits,
                           BiFunction<Path, MutableClock, Mailer> mailer, SendLimits sendLimits,
                           StorageSettings storageSettings) {
        try {
            this.dataDir = Files.createTempDirectory("safelight-accounts-");
            this.db = database;
            this.stores = AccountsStores.open(db, clock);
            this.masterKey = MasterKey.load(dataDir, Map.of());
            this.keys = SigningKeys.open(db, masterKey, dataDir, clock);
            Mailer mail = mailer.apply(dataDir, clock);
            RateLimits rateLimits = limits.apply(clock);
            // the test client may stand in for a reverse proxy and name clients in X-Forwarded-For
            // uploads spool under the data dir, as the wiring puts them under DATA_DIR/tmp
            StorageSettings storage = storageSettings.withSpoolDir(dataDir.resolve("tmp"));
            this.connections = storage.any() ? new StorageConnections(db.jdbi(), masterKey, clock) : null;
            this.server = RoleServer.start(url -> {
                role = new AccountsRole(stores, mail, keys, url, rateLimits, PasswordHasher.standard(),
                        new ServiceCredential(CLOUD_SERVICE_CREDENTIAL), sendLimits, storage, connections, clock);
                return List.of(role);
            }, PROXIES::install);
            this.base = server.base();
            this.http = server.client();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As a server does once it sees a master key rotation: it seals nothing more. */
    public void refuseSealing(String why) {
        masterKey.refuseSealing(why);
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

    /** On {@code database} (e.g. from {@code EachDatabase}), with generous limits and the outbox. */
    public static AccountsServer startOn(Database database) {
        return startOn(database, StorageSettings.NONE);
    }

    /** On {@code database}, with Box and Dropbox as {@code storage} configures them. */
    public static AccountsServer startOn(Database database, StorageSettings storage) {
        return new AccountsServer(database, AccountsServer::generous, (dir, clock) -> new OutboxMailer(dir,
                "Safelight <no-reply@safelight.test>", clock), SendLimits.STANDARD, storage);
    }

    /** With {@code sendLimits} on what it sends for users, generous rate limits and {@code mailer}. */
    public static AccountsServer start(SendLimits sendLimits, BiFunction<Path, MutableClock, Mailer> mailer) {
        return new AccountsServer(TestDatabases.sqlite(), AccountsServer::generous, mailer, sendLimits,
                StorageSettings.NONE);
    }

    /** The outbox mailer the other factories use. */
    public static Mailer outboxMailer(Path dataDir, MutableClock clock) {
        return new OutboxMailer(dataDir, "Safelight <no-reply@safelight.test>", clock);
    }

    public static RateLimits generous(MutableClock clock) {
        return new RateLimits(new RateLimiter(10_000, 10_000, clock), new RateLimiter(10_000, 10_000, clock),
                new RateLimiter(10_000, 10_000, clock), new RateLimiter(10_000, 10_000, clock));
    }

    /** The mail written so far, once the mail work of every request answered so far is done. */
    public Outbox outbox() {
        awaitMail();
        return new Outbox(dataDir.resolve("outbox"));
    }

    /** Waits for the mail work of the requests answered so far (mail is written after the answer). */
    public void awaitMail() {
        try {
            if (!role.awaitMail(Duration.ofSeconds(30))) {
                throw new AssertionError("mail work still going on after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Verifies user tokens the way other roles do: over this server's JWKS URL. */
    public TokenVerifier verifier() {
        return new JwksTokenVerifier(new org.safelight.server.tokens.HttpJwks(URI.create(base), http.http()),
                org.safelight.server.tokens.TokenAudience.users(URI.create(base)), clock);
    }

    /** Verifies tokens the way the key server at {@code keyServer} does. */
    public TokenVerifier keyServerVerifier(URI keyServer) {
        return new JwksTokenVerifier(new org.safelight.server.tokens.HttpJwks(URI.create(base), http.http()),
                org.safelight.server.tokens.TokenAudience.keyServer(URI.create(base), keyServer), clock);
    }

    /** Verifies tokens the way the endpoint at {@code endpoint} does. */
    public TokenVerifier endpointVerifier(URI endpoint) {
        return new JwksTokenVerifier(new org.safelight.server.tokens.HttpJwks(URI.create(base), http.http()),
                org.safelight.server.tokens.TokenAudience.endpoint(URI.create(base), endpoint), clock);
    }

    // --- HTTP ---

    public HttpResponse<String> get(String path) {
        return http.get(path);
    }

    public HttpResponse<String> get(String path, String bearer) {
        return http.get(path, bearer);
    }

    public HttpResponse<String> getUrl(String url) {
        return http.get(url);
    }

    public HttpResponse<String> post(String path, String json) {
        return http.post(path, json);
    }

    /** A POST from the client {@code clientAddress}, as a trusted reverse proxy forwards it. */
    public HttpResponse<String> postFrom(String clientAddress, String path, String json) {
        return http.send("POST", path, json, null, Map.of("X-Forwarded-For", clientAddress));
    }

    public HttpResponse<String> post(String path, String json, String bearer) {
        return http.post(path, json, bearer);
    }

    public HttpResponse<String> postForm(String path, Map<String, String> fields) {
        return postFormUrl(base + path, fields);
    }

    /** A form POST to a whole address (a link's own, as its page's form sends it). */
    public HttpResponse<String> postFormUrl(String url, Map<String, String> fields) {
        String form = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /**
     * A multipart form POST as a browser's FormData sends it: the text {@code fields}, then
     * {@code file} as {@code picsafe_file} named {@code fileName}.
     */
    public HttpResponse<String> postFile(String path, String bearer, Map<String, String> fields, String fileName,
                                         byte[] file) {
        String boundary = "----test" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        fields.forEach((k, v) -> head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                .append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"picsafe_file\"; filename=\"")
                .append(fileName).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b);
    }

    public HttpResponse<String> patch(String path, String json, String bearer) {
        return http.patch(path, json, bearer);
    }

    public HttpResponse<String> delete(String path, String bearer) {
        return http.delete(path, bearer);
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
        return signUp(email, PASSWORD);
    }

    /** Signs up with {@code password}; returns the user id. */
    public String signUp(String email, String password) {
        HttpResponse<String> r = post("/api/v1/accounts/signup", """
                {"email": "%s", "password": "%s", "first_name": "Ada", "last_name": "Okafor",
                 "title": "Dr", "country": "AU"}""".formatted(email, password));
        if (r.statusCode() != 202) {
            throw new AssertionError("sign-up answered " + r.statusCode() + ": " + r.body());
        }
        return stores.users().findByEmail(email.strip().toLowerCase(java.util.Locale.ROOT)).orElseThrow().id();
    }

    /** Signs up, opens the link in the verification message, types the password and presses its button. */
    public String signUpVerified(String email) {
        String id = signUp(email);
        confirm(outbox().lastLinkTo(email));
        return id;
    }

    /**
     * Types the test password into the page a verification link opens and presses its button: a
     * form POST to the link's own address.
     */
    public HttpResponse<String> confirm(String link) {
        return confirm(link, PASSWORD);
    }

    /** Confirms with {@code password} typed into the page; fails unless the address is confirmed. */
    public HttpResponse<String> confirm(String link, String password) {
        HttpResponse<String> r = postFormUrl(link, Map.of("password", password));
        if (r.statusCode() != 200) {
            throw new AssertionError("verification answered " + r.statusCode());
        }
        return r;
    }

    /** A POST with an empty form, as a page's button sends it. */
    public HttpResponse<String> postUrl(String url) {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody()));
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

    @Override
    public void close() {
        server.close();
        role.close();
        db.close();
    }
}
