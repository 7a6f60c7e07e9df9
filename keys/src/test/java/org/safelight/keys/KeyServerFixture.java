package org.safelight.keys;

import org.safelight.server.crypto.MasterKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.policy.AccessPolicy;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.ServerApp;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestTokens;

/**
 * A real key server on a free port: its own data folder and master key, the given databases
 * (migrated), real user tokens, and a real HTTP client. The audit log may live in another database
 * than the keys, so a test can break one and not the other.
 */
final class KeyServerFixture implements AutoCloseable {
    static final String TRUSTED_ORIGIN = "https://my.safelight.example";

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    final TestTokens tokens = TestTokens.forKeyServer(clock);
    final Path dataDir;
    final Database keysDb;
    final Database auditDb;
    final ReportKeys keys;
    final AuditLog audit;
    final Javalin app;
    /** Where the role's meters are registered (key fetches, audit commits). */
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();

    record Answer(int status, JsonNode json, String body, HttpHeaders headers) {
        String error() {
            return json.path("error").asText();
        }
    }

    KeyServerFixture(Database keysDb, Database auditDb, int burst) throws IOException {
        this(keysDb, auditDb, burst, EnterpriseAuthority.none());
    }

    KeyServerFixture(Database keysDb, Database auditDb, int burst, EnterpriseAuthority enterprises)
            throws IOException {
        this(keysDb, auditDb, burst, enterprises, EnterpriseAdmins.none(), Files.createTempDirectory("safelight-keys-"),
                true, config -> { });
    }

    /** A key server on one database whose given enterprises are administered by {@code admins}. */
    KeyServerFixture(Database db, EnterpriseAdmins admins) throws IOException {
        this(db, db, 1000, EnterpriseAuthority.none(), admins, Files.createTempDirectory("safelight-keys-"), true,
                config -> { });
    }

    /** A key server on one database whose Javalin configuration {@code extra} adds to (or overrides). */
    KeyServerFixture(Database db, Consumer<JavalinConfig> extra) throws IOException {
        this(db, db, 1000, EnterpriseAuthority.none(), EnterpriseAdmins.none(),
                Files.createTempDirectory("safelight-keys-"), true, extra);
    }

    private final boolean ownsDatabases;

    private KeyServerFixture(Database keysDb, Database auditDb, int burst, EnterpriseAuthority enterprises,
                             EnterpriseAdmins admins, Path dataDir, boolean ownsDatabases,
                             Consumer<JavalinConfig> extra) throws IOException {
        this.dataDir = dataDir;
        this.ownsDatabases = ownsDatabases;
        this.keysDb = keysDb;
        this.auditDb = auditDb;
        keysDb.migrate(KeysRole.NAME);
        if (auditDb != keysDb) {
            auditDb.migrate(KeysRole.NAME);
        }
        MasterKey master = MasterKey.load(dataDir, Map.of());
        this.keys = new ReportKeys(keysDb, master, clock);
        this.audit = new AuditLog(auditDb, KeyServer.chainKey(auditDb, master), clock, metrics);
        KeysRole role = new KeysRole(keys, new AccessPolicy(dataDir), audit, tokens.verifier(),
                new RateLimiter(burst, 0.001, clock), List.of(TRUSTED_ORIGIN + "/"), enterprises, admins, metrics);
        this.app = ServerApp.create(List.of(role), extra).start(0);
    }

    /**
     * Another key server process on the same database, data folder and master key: its own memory of
     * keys, its own audit writer. Closing it leaves the database open.
     */
    KeyServerFixture sibling() throws IOException {
        return new KeyServerFixture(keysDb, auditDb, 1000, EnterpriseAuthority.none(), EnterpriseAdmins.none(), dataDir,
                false, config -> { });
    }

    KeyServerFixture(Database db) throws IOException {
        this(db, db, 1000);
    }

    KeyServerFixture(Database db, int burst) throws IOException {
        this(db, db, burst);
    }

    String token(String userId) {
        return tokens.token(userId, userId + "@example.org");
    }

    Answer get(String path, String token) {
        return send(request(path, token).GET());
    }

    Answer post(String path, String token) {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = body.isEmpty() ? mapper.createObjectNode() : mapper.readTree(body);
            return new Answer(response.statusCode(), json, body, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    static String key(String reportId) {
        return "/api/v1/reports/" + reportId + "/key";
    }

    static String accesses(String reportId) {
        return "/api/v1/reports/" + reportId + "/accesses";
    }

    static String revoke(String reportId) {
        return "/api/v1/reports/" + reportId + "/revoke";
    }

    static String status(String reportId) {
        return "/api/v1/reports/" + reportId + "/status";
    }

    /** Writes a policy file as an operator would, a moment after any earlier version. */
    void policy(String name, String content) throws IOException {
        Path file = dataDir.resolve(name);
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, content);
        if (before != null) {
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
        }
    }

    @Override
    public void close() {
        app.stop();
        audit.close();
        if (!ownsDatabases) {
            return;
        }
        keysDb.close();
        if (auditDb != keysDb) {
            auditDb.close();
        }
    }
}
