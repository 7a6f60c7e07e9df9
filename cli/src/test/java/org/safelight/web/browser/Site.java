package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.safelight.accounts.testing.Outbox;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import org.safelight.format.testing.SharedFiles;
import org.safelight.server.db.Database;
import org.safelight.server.testing.Ports;

/**
 * A real Safelight server as {@code safelight serve} runs it by default (accounts, keys, cloud, web;
 * SQLite; mail to the outbox) on a free port, reached at http://localhost:PORT, with helpers that
 * do over HTTP what the CLI would: sign users up and confirm them, get report keys, seal reports.
 */
final class Site implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple 42";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong REPORTS = new AtomicLong(System.currentTimeMillis());

    final Path dataDir;
    final SafelightServer server;
    final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private Site(Path dataDir, SafelightServer server) {
        this.dataDir = dataDir;
        this.server = server;
        this.url = server.url().toString();
    }

    static Site start(Path dataDir) throws Exception {
        return start(dataDir, Clock.systemUTC());
    }

    static Site start(Path dataDir, Clock clock) throws Exception {
        return Ports.onFreePort(port -> start(dataDir, clock, Set.of("accounts", "keys", "cloud", "web"), port, null,
                List.of(), List.of()));
    }

    /** The default roles, with the cloud taking only {@code uploadsPerHour} uploads per user and hour. */
    static Site withUploadsPerHour(Path dataDir, int uploadsPerHour) throws Exception {
        ServeConfig.Cloud cloud = new ServeConfig.Cloud(new org.safelight.cloud.UploadLimits(
                org.safelight.cloud.UploadLimits.DEFAULTS.maxBytes(), org.safelight.cloud.UploadLimits.DEFAULTS.quotaBytes(),
                uploadsPerHour), "folder", null, "", "", "", "");
        return Ports.onFreePort(port -> new Site(dataDir, SafelightServer.start(new ServeConfig(dataDir, "127.0.0.1", port,
                Set.of("accounts", "keys", "cloud", "web"), Database.sqliteUrl(dataDir), null, null, null,
                URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 600, cloud), Clock.systemUTC())));
    }

    /**
     * Some roles on {@code port}; {@code accountsUrl} for roles apart from accounts, the origins its
     * key server lets in (CORS) and the key servers its pages may ask.
     */
    static Site start(Path dataDir, Clock clock, Set<String> roles, int port, URI accountsUrl, List<String> trustedOrigins,
                      List<String> webKeyServers) throws Exception {
        SafelightServer server = SafelightServer.start(new ServeConfig(dataDir, "127.0.0.1", port, roles,
                Database.sqliteUrl(dataDir), null, null, accountsUrl, URI.create("http://localhost:" + port),
                trustedOrigins, new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 600,
                ServeConfig.Cloud.DEFAULTS, webKeyServers), clock);
        return new Site(dataDir, server);
    }

    /** Every role but the endpoint, the accounts offering Box and Dropbox as {@code storage} configures them. */
    static Site withStorage(Path dataDir, org.safelight.accounts.storage.StorageSettings storage) throws Exception {
        return Ports.onFreePort(port -> {
            SafelightServer server = SafelightServer.start(new ServeConfig(dataDir, "127.0.0.1", port,
                    Set.of("accounts", "keys", "cloud", "web"), Database.sqliteUrl(dataDir), null, null, null,
                    URI.create("http://localhost:" + port), List.of(),
                    new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 600)
                    .with(new org.safelight.accounts.AccountsWiring(org.safelight.accounts.AccountsSettings.DEFAULTS,
                            storage)), Clock.systemUTC());
            return new Site(dataDir, server);
        });
    }

    /** Every role but the endpoint on {@code port}, its Institution page showing the endpoint at {@code webEndpoint}. */
    static Site withEndpointAt(Path dataDir, int port, String webEndpoint) throws Exception {
        return withEndpointAt(dataDir, port, webEndpoint, ServeConfig.Cloud.DEFAULTS);
    }

    /**
     * As {@link #withEndpointAt(Path, int, String)}, with {@code cloud}'s service credential, which a
     * real endpoint role apart from this server shares to ask it who administers its enterprise.
     */
    static Site withEndpointAt(Path dataDir, int port, String webEndpoint, ServeConfig.Cloud cloud) throws Exception {
        SafelightServer server = SafelightServer.start(new ServeConfig(dataDir, "127.0.0.1", port,
                Set.of("accounts", "keys", "cloud", "web"), Database.sqliteUrl(dataDir), null, null, null,
                URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 600, cloud)
                .with(new org.safelight.web.WebWiring(new org.safelight.web.WebSettings(List.of(), webEndpoint))),
                Clock.systemUTC());
        return new Site(dataDir, server);
    }

    JsonNode call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, path, token, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An account whose address is confirmed, as if its owner had opened the emailed link. */
    void confirmedUser(String email, String first) throws Exception {
        call("POST", "/api/v1/accounts/signup", null, JSON.writeValueAsString(Map.of("email", email, "password", PASSWORD,
                "first_name", first, "last_name", "Tester", "title", "Dr", "country", "AU")));
        confirm(email);
    }

    /**
     * Types {@link #PASSWORD} into the page the verification link mailed to {@code email} opens and
     * presses its button (a form POST to the link).
     */
    void confirm(String email) throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(verificationLink(email)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
    }

    /** Waits until {@code count} messages went to {@code email}. */
    void awaitMessages(String email, int count) {
        new Outbox(dataDir.resolve("outbox")).awaitMessagesTo(email, count);
    }

    /** The link in the newest message to {@code email}. */
    String linkTo(String email) {
        return verificationLink(email);
    }

    String token(String email) throws Exception {
        return call("POST", "/api/v1/accounts/signin", null,
                JSON.writeValueAsString(Map.of("email", email, "password", PASSWORD))).path("access_token").asText();
    }

    /** A draft with two photos, a video, an audio note and signed consent, under a fresh report ID. */
    static Path draft(Path dir, String patientFirst, String patientLast, String notes) throws IOException {
        Files.createDirectories(dir);
        Files.copy(SharedFiles.media("photo-landscape.jpg"), dir.resolve("wound1.jpg"));
        Files.copy(SharedFiles.media("photo-rotated.jpg"), dir.resolve("wound2.jpg"));
        Files.copy(SharedFiles.media("clip.m4v"), dir.resolve("gait.m4v"));
        Files.copy(SharedFiles.media("voice.m4a"), dir.resolve("history.m4a"));
        Files.copy(SharedFiles.media("signature.jpg"), dir.resolve("consent.jpg"));
        String reportId = String.format("%09d%013d", 42, REPORTS.incrementAndGet());
        Map<String, Object> report = Map.of("report", Map.of(
                "patient", Map.of("firstname", patientFirst, "lastname", patientLast, "day", "7", "month", "3",
                        "year", "1961", "patientid", "MRN-204817"),
                "user", Map.of("userid", "42", "title", "Dr", "firstname", "Noor", "lastname", "Haddad",
                        "email", "noor@example.org", "country", "AU"),
                "details", Map.of("notes", notes, "reportid", reportId),
                "consent", Map.of("type", "signed", "consentlevels", "treatment,education")));
        Files.writeString(dir.resolve("metadata.json"), JSON.writeValueAsString(report));
        return dir;
    }

    /** Seals a draft with a key the sender creates on this key server; returns the .picsafe file. */
    Path seal(Path draftDir, String senderToken, Path outDir) throws Exception {
        return seal(draftDir, senderToken, outDir, url);
    }

    /** Seals with a key from this key server, but names {@code keyserverUrl} in package.json. */
    Path seal(Path draftDir, String senderToken, Path outDir, String keyserverUrl) throws Exception {
        return sealWith(this, this, draftDir, senderToken, outDir, keyserverUrl);
    }

    /** A token only the key server at {@code keyServerUrl} takes, for this site's user token (token exchange). */
    String keyServerToken(String userToken, String keyServerUrl) throws Exception {
        return call("POST", "/api/v1/accounts/key-server-token", userToken,
                JSON.writeValueAsString(Map.of("key_server", keyServerUrl))).path("access_token").asText();
    }

    /**
     * Seals with a key created on {@code keyServer} by the user of {@code accounts} whose token is
     * {@code senderToken}, naming {@code keyserverUrl} in package.json.
     */
    static Path sealWith(Site accounts, Site keyServer, Path draftDir, String senderToken, Path outDir,
                         String keyserverUrl) throws Exception {
        Draft draft = Draft.load(draftDir, Clock.systemUTC());
        String reportId = draft.metadata().details().reportid();
        String key = keyServer.call("POST", "/api/v1/reports/" + reportId + "/key",
                accounts.keyServerToken(senderToken, keyServer.url), null).path("key").asText();
        Files.createDirectories(outDir);
        return Sealer.seal(draft, new Protection.DynamicKey(key, keyserverUrl), outDir);
    }

    /** Uploads a sealed report to the cloud role; its answer: link, download_url, expires_at... */
    JsonNode upload(Path picsafe, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/cloud/reports"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(picsafe)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    static String reportId(Path picsafe) {
        return picsafe.getFileName().toString().replace(".picsafe", "");
    }

    private String verificationLink(String email) {
        return new Outbox(dataDir.resolve("outbox")).lastLinkTo(email);
    }

    @Override
    public void close() {
        server.close();
    }
}
