package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.ServerApp;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;

/** Uploads stored and refused, and the bytes stored, as the cloud role counts them over real HTTP. */
class CloudMetricsTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T08:00:00Z"));
    private final TestTokens tokens = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private Database db;
    private Javalin app;
    private CloudStore store;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.sqlite();
        // 64 KiB per upload, 2 uploads an hour per user, no quota
        store = CloudStore.open(db, () -> MasterKey.load(dir.resolve("keys"), Map.of()), new FolderBlobStore(dir.resolve("cloud")), (u, t) -> u.enterpriseId(),
                URI.create("https://safelight.example.org"), dir.resolve("spool"), new UploadLimits(64 << 10, 0, 2),
                clock);
        CloudRole role = new CloudRole(store, tokens.verifier(), EnterpriseAuthority.none(),
                Confirmations.asTheTokenSays(), metrics);
        CloudMeters.registerStoredBytes(metrics, new CloudReports(db.jdbi()), clock);
        app = ServerApp.create(List.of(role), c -> { }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        db.close();
    }

    private int upload(String user, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/api/v1/cloud/reports"))
                .header("Authorization", "Bearer " + tokens.token(user, user + "@x.example", true, ""))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private double refused(String reason) {
        Counter c = metrics.find(CloudMeters.REFUSED).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private double stored() {
        return metrics.find(CloudMeters.UPLOADS).counter().count();
    }

    private double storedBytes() {
        return metrics.find(CloudMeters.STORED).gauge().value();
    }

    @Test
    void a_stored_upload_is_counted_and_each_refusal_counts_its_reason() throws Exception {
        assertThat(upload("u1", Zips.sealed("R-1"))).isEqualTo(201);
        assertThat(upload("u1", Zips.rncryptor(100 << 10))).isEqualTo(413);
        byte[] notAReport = Zips.zip("hello.txt", "not a report".getBytes(StandardCharsets.UTF_8));
        assertThat(upload("u1", notAReport)).isEqualTo(400);
        assertThat(upload("u1", Zips.sealed("R-2"))).as("the third this hour").isEqualTo(429);

        assertThat(stored()).isEqualTo(1);
        assertThat(refused("too_large")).isEqualTo(1);
        assertThat(refused("not_a_sealed_report")).isEqualTo(1);
        assertThat(refused("rate_limited")).isEqualTo(1);
        assertThat(metrics.find(CloudMeters.REFUSED).counters().stream().mapToDouble(Counter::count).sum())
                .isEqualTo(3);
    }

    @Test
    void the_bytes_stored_follow_uploads_and_drop_when_reports_expire() throws Exception {
        assertThat(storedBytes()).isZero();
        byte[] first = Zips.sealed("R-1");
        byte[] second = Zips.sealed("R-22");
        upload("u1", first);
        clock.advance(Duration.ofDays(1));
        upload("u2", second);

        assertThat(storedBytes()).isEqualTo(first.length + second.length);
        clock.advance(Duration.ofDays(6).plusMinutes(1));
        assertThat(storedBytes()).as("the first report's 7 days are over").isEqualTo(second.length);
        store.sweepExpired();
        assertThat(storedBytes()).isEqualTo(second.length);
        clock.advance(Duration.ofDays(1));
        assertThat(storedBytes()).isZero();
    }

    @Test
    void the_cloud_wiring_registers_its_meters_and_the_blob_store_check() throws Exception {
        Database own = TestDatabases.sqlite();
        RoleContext context = new RoleContext(own, dir.resolve("data"), clock, URI.create("http://localhost:1"),
                URI.create("http://localhost:2"), Set.of(RoleName.CLOUD));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        context.useMetrics(registry);
        try {
            CloudSettings apart = new CloudSettings(UploadLimits.DEFAULTS, "folder", null, "us-east-1", "", "", "",
                    new ServiceCredential("a-service-credential-of-at-least-32-characters"));
            new CloudWiring(apart).build(context);

            assertThat(context.readinessChecks()).containsKey("blob-store");
            assertThatCode(context.readinessChecks().get("blob-store")::check).doesNotThrowAnyException();
            assertThat(registry.find(CloudMeters.UPLOADS).counter()).isNotNull();
            assertThat(registry.find(CloudMeters.REFUSED).tag("reason", "quota_exceeded").counter()).isNotNull();
            assertThat(registry.find(CloudMeters.STORED).gauge().value()).isZero();
        } finally {
            context.closeResources();
            own.close();
        }
    }

    @Test
    void the_stored_bytes_have_no_value_while_the_database_cannot_answer() {
        db.close();
        assertThat(storedBytes()).isNaN();
    }
}
