package org.safelight.cloud;

import org.safelight.server.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.format.testing.HostileZips;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;

/** The cloud role over real HTTP: who may upload and download, and what each refusal says. */
class CloudHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path dir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final TestTokens tokens = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean accountsDown;
    private Database db;
    private Javalin app;
    private String url;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.sqlite();
        EnterpriseAuthority authority = (kind, secret) -> {
            if (accountsDown) {
                throw new EnterpriseAuthorityUnavailableException("down", null);
            }
            return switch (secret) {
                case "slak_hospital" -> Optional.of("ent-hospital");
                case "slak_clinic" -> Optional.of("ent-clinic");
                default -> Optional.empty();
            };
        };
        CloudStore store = CloudStore.open(db, () -> org.safelight.server.crypto.MasterKey.load(dir, java.util.Map.of()), new FolderBlobStore(dir.resolve("cloud")), (u, t) -> u.enterpriseId(),
                URI.create("https://safelight.example.org"), dir.resolve("spool"), new UploadLimits(1 << 20, 3 << 20, 5), clock);
        app = ServerApp.create(List.of(new CloudRole(store, tokens.verifier(), authority)), c -> { })
                .start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.stop();
        db.close();
    }

    private HttpResponse<String> send(String method, String path, String bearer, byte[] body, String range)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").asText();
    }

    /** Uploads as a verified user of the enterprise; the path of its download URL. */
    private String upload(String enterprise) throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/cloud/reports",
                tokens.token("u-" + enterprise, "u@x.example", true, enterprise), Zips.sealed("R-1"), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode up = JSON.readTree(r.body());
        return URI.create(up.path("download_url").asText()).getPath();
    }

    @Test
    void an_unverified_user_can_neither_upload_nor_download() throws Exception {
        String path = upload("");
        String unverified = tokens.token("u2", "new@x.example", false, "");
        HttpResponse<String> up = send("POST", "/api/v1/cloud/reports", unverified, Zips.sealed("R-2"), null);
        assertThat(up.statusCode()).isEqualTo(403);
        assertThat(error(up)).isEqualTo("email_unverified");
        HttpResponse<String> down = send("GET", path, unverified, null, null);
        assertThat(down.statusCode()).isEqualTo(403);
        assertThat(error(send("GET", path, "not-a-jws", null, null))).isEqualTo("invalid_token");
    }

    @Test
    void an_api_key_downloads_its_own_members_reports_only() throws Exception {
        String hospitals = upload("ent-hospital");
        String nobodys = upload("");
        assertThat(send("GET", hospitals, "slak_hospital", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> other = send("GET", hospitals, "slak_clinic", null, null);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(error(other)).isEqualTo("unknown_report");
        assertThat(send("GET", nobodys, "slak_hospital", null, null).statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = send("GET", hospitals, "slak_revoked", null, null);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(error(unknown)).isEqualTo("invalid_api_key");
        accountsDown = true;
        HttpResponse<String> down = send("GET", hospitals, "slak_hospital", null, null);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(error(down)).isEqualTo("accounts_unavailable");
    }

    @Test
    void a_links_status_tells_anyone_its_report_id_and_size_so_a_phone_can_warn_before_a_large_download()
            throws Exception {
        String path = upload("");
        HttpResponse<String> status = send("GET", path + "/status", null, null, null);
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(status.body());
        assertThat(body.path("report_id").asText()).isEqualTo("R-1");
        assertThat(body.path("size").asLong()).isEqualTo(Zips.sealed("R-1").length);
        assertThat(body.path("expires_at").asText()).isNotEmpty();
    }

    @Test
    void unknown_expired_and_malformed_links_answer_distinctly() throws Exception {
        String path = upload("");
        String user = tokens.token("u3", "r@x.example");
        assertThat(send("GET", path + "/status", null, null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", path, user, null, "bytes=0-1,4-5").statusCode()).as("several ranges: the whole file")
                .isEqualTo(200);
        HttpResponse<String> malformed = send("GET", "/api/v1/cloud/reports/AU/short-R-1/status", null, null, null);
        assertThat(malformed.statusCode()).isEqualTo(404);
        assertThat(error(malformed)).isEqualTo("unknown_report");
        assertThat(send("GET", "/api/v1/cloud/reports/XX/" + "A".repeat(22) + "-R-1", user, null, null).statusCode())
                .isEqualTo(404);

        clock.advance(Duration.ofDays(7));
        String later = tokens.token("u3", "r@x.example");
        HttpResponse<String> status = send("GET", path + "/status", null, null, null);
        assertThat(status.statusCode()).isEqualTo(410);
        assertThat(error(status)).isEqualTo("report_expired");
        assertThat(send("HEAD", path, later, null, null).statusCode()).isEqualTo(410);
        assertThat(error(send("GET", path, later, null, null))).isEqualTo("report_expired");
    }

    @Test
    void a_report_id_in_the_query_must_be_well_formed() throws Exception {
        String user = tokens.token("u4", "s@x.example");
        HttpResponse<String> bad = send("POST", "/api/v1/cloud/reports?report_id=a%2Fb", user, Zips.sealed(null), null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(error(bad)).isEqualTo("invalid_report_id");
        HttpResponse<String> ok = send("POST", "/api/v1/cloud/reports?report_id=Q-9", user, Zips.sealed(null), null);
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(ok.body()).path("report_id").asText()).isEqualTo("Q-9");
        assertThat(JSON.readTree(ok.body()).path("region").asText()).isEqualTo("AU");
    }

    @Test
    void a_user_uploads_at_most_the_hourly_number_in_a_burst() throws Exception {
        String ada = tokens.token("ada", "ada@x.example");
        for (int i = 0; i < 5; i++) {
            assertThat(send("POST", "/api/v1/cloud/reports", ada, Zips.sealed("R-" + i), null).statusCode())
                    .isEqualTo(201);
        }
        JsonNode allowance = JSON.readTree(send("GET", "/api/v1/cloud/allowance", ada, null, null).body());
        assertThat(allowance.path("uploads_left").asInt()).isZero();
        assertThat(allowance.path("uploads_per_hour").asInt()).isEqualTo(5);
        assertThat(allowance.path("max_upload_bytes").asLong()).isEqualTo(1 << 20);
        assertThat(allowance.path("quota_bytes").asLong()).isEqualTo(3 << 20);
        assertThat(allowance.path("taken_bytes").asLong()).isEqualTo(5L * Zips.sealed("R-0").length);
        assertThat(send("GET", "/api/v1/cloud/allowance", null, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> sixth = send("POST", "/api/v1/cloud/reports", ada, Zips.sealed("R-5"), null);
        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(error(sixth)).isEqualTo("rate_limited");
        assertThat(sixth.headers().firstValue("Retry-After")).hasValue("720");
        assertThat(send("POST", "/api/v1/cloud/reports", tokens.token("bo", "bo@x.example"), Zips.sealed("R-5"), null)
                .statusCode()).as("another user").isEqualTo(201);

        clock.advance(Duration.ofMinutes(12));
        assertThat(send("POST", "/api/v1/cloud/reports", ada, Zips.sealed("R-5"), null).statusCode()).isEqualTo(201);
    }

    @Test
    void an_upload_past_the_quota_is_refused_before_its_body_is_read() throws Exception {
        String ada = tokens.token("ada", "ada@x.example");
        byte[] nearlyOneMiB = Zips.zip("package.json", "{\"keyserver_url\":\"https://keys.example.org\"}".getBytes(),
                "package.encrypted", Zips.rncryptor(1_000_000));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = send("POST", "/api/v1/cloud/reports?report_id=R-" + i, ada, nearlyOneMiB, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        HttpResponse<String> fourth = send("POST", "/api/v1/cloud/reports?report_id=R-3", ada, nearlyOneMiB, null);
        assertThat(fourth.statusCode()).isEqualTo(403);
        assertThat(error(fourth)).isEqualTo("quota_exceeded");
        assertThat(JSON.readTree(fourth.body()).path("message").asText()).contains("3 MiB");
        try (java.util.stream.Stream<java.nio.file.Path> stored = java.nio.file.Files.walk(dir.resolve("cloud"))) {
            assertThat(stored.filter(java.nio.file.Files::isRegularFile).count()).isEqualTo(3);
        }
    }
    @Test
    void hostile_zips_are_refused_with_400_and_nothing_is_kept() throws Exception {
        String ada = tokens.token("ada", "ada@x.example");
        byte[] plain = Zips.zip("metadata.json", "{\"report\":{}}".getBytes(), "report.pdf", new byte[10]);
        byte[] fakeSealed = new byte[plain.length + 2];
        fakeSealed[0] = 3;
        fakeSealed[1] = 1;
        System.arraycopy(plain, 0, fakeSealed, 2, plain.length);
        if ((fakeSealed.length - 66) % 16 == 0) {
            fakeSealed = java.util.Arrays.copyOf(fakeSealed, fakeSealed.length + 1);
        }
        java.util.Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
        hostile.put("unsafe_zip", HostileZips.splitView(Zips.sealed("R-A"), Zips.sealed("R-B")));
        hostile.put("unsafe_zip ", HostileZips.appended(Zips.sealed("R-A"), plain));
        hostile.put("unsafe_zip  ", HostileZips.gapBeforeDirectory(Zips.sealed("R-A"), "gap".getBytes()));
        hostile.put("unsafe_zip   ", HostileZips.withInvalidUtf8Name(Zips.sealed("R-A"), "package.json"));
        hostile.put("not_a_sealed_report", Zips.zip("package.json", "{\"keyserver_url\":\"https://k.example\"}"
                .getBytes(), "package.encrypted", fakeSealed));
        for (var e : hostile.entrySet()) {
            HttpResponse<String> r = send("POST", "/api/v1/cloud/reports?report_id=R-1", ada, e.getValue(), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(error(r)).isEqualTo(e.getKey().strip());
        }
        try (java.util.stream.Stream<java.nio.file.Path> stored = java.nio.file.Files.walk(dir.resolve("cloud"))) {
            assertThat(stored.filter(java.nio.file.Files::isRegularFile).count()).isZero();
        }
        JsonNode allowance = JSON.readTree(send("GET", "/api/v1/cloud/allowance", ada, null, null).body());
        assertThat(allowance.path("taken_bytes").asLong()).isZero();
    }
}
