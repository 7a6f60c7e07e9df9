package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cloud.blob.FolderBlobStore;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;

/**
 * The cloud role decides from the accounts role's answers, not from what a token said when it was
 * issued: whether the address is confirmed, and the enterprise an upload joins. And a link's public
 * status names the key server to ask whether the report was revoked.
 */
class CloudAccountNowHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path dir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final TestTokens tokens = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    /** Users the accounts role says have confirmed their address (whatever their token says). */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    /** The enterprise the accounts role records each user's uploads in now. */
    private final java.util.Map<String, String> enterpriseNow = new ConcurrentHashMap<>();
    private Database db;
    private Javalin app;
    private String url;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabases.sqlite();
        EnterpriseAuthority authority = (kind, secret) -> secret.equals("slak_hospital")
                ? Optional.of("ent-hospital") : Optional.empty();
        UploadRecorder accounts = (upload, token) -> {
            if (!confirmed.contains(upload.userId())) {
                throw new UploadRecorder.SenderNotConfirmedException();
            }
            return enterpriseNow.getOrDefault(upload.userId(), "");
        };
        CloudStore store = CloudStore.open(db, () -> org.safelight.server.crypto.MasterKey.load(dir, java.util.Map.of()), new FolderBlobStore(dir.resolve("cloud")), accounts,
                URI.create("https://safelight.example.org"), dir.resolve("spool"), new UploadLimits(1 << 20, 3 << 20, 5),
                clock);
        Confirmations confirmations = (user, bearer) -> confirmed.contains(user.userId());
        app = ServerApp.create(List.of(new CloudRole(store, tokens.verifier(), authority, confirmations)), c -> { })
                .start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.stop();
        db.close();
    }

    private HttpResponse<String> send(String method, String path, String bearer, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String path(HttpResponse<String> upload) throws Exception {
        return URI.create(JSON.readTree(upload.body()).path("download_url").asText()).getPath();
    }

    @Test
    void a_token_that_said_unconfirmed_uploads_and_downloads_once_the_account_is_confirmed() throws Exception {
        String stale = tokens.token("ada", "ada@x.example", false, "");
        HttpResponse<String> before = send("POST", "/api/v1/cloud/reports", stale, Zips.sealed("R-1"));

        confirmed.add("ada");
        HttpResponse<String> after = send("POST", "/api/v1/cloud/reports", stale, Zips.sealed("R-1"));
        HttpResponse<String> download = send("GET", path(after), stale, null);

        assertThat(before.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(before.body()).path("error").asText()).isEqualTo("email_unverified");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
        assertThat(download.statusCode()).isEqualTo(200);
    }

    @Test
    void a_token_claiming_a_confirmation_the_account_lacks_leaves_nothing_behind() throws Exception {
        String claims = tokens.token("bob", "bob@x.example", true, "");

        HttpResponse<String> refused = send("POST", "/api/v1/cloud/reports", claims, Zips.sealed("R-2"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("email_unverified");
        assertThat(JSON.readTree(send("GET", "/api/v1/cloud/allowance", claims, null).body())
                .path("taken_bytes").asLong()).isZero();
    }

    @Test
    void an_upload_joins_the_enterprise_the_account_is_in_now_so_its_api_key_downloads_it() throws Exception {
        confirmed.add("ada");
        enterpriseNow.put("ada", "ent-hospital");
        String signedInBeforeTheEnterprise = tokens.token("ada", "ada@x.example", true, "");

        HttpResponse<String> up = send("POST", "/api/v1/cloud/reports", signedInBeforeTheEnterprise, Zips.sealed("R-3"));

        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        assertThat(send("GET", path(up), "slak_hospital", null).statusCode()).isEqualTo(200);
    }

    @Test
    void a_links_public_status_names_the_report_and_its_key_server() throws Exception {
        confirmed.add("ada");
        HttpResponse<String> up = send("POST", "/api/v1/cloud/reports", tokens.token("ada", "ada@x.example", true, ""),
                Zips.sealed("R-4"));

        JsonNode status = JSON.readTree(send("GET", path(up) + "/status", null, null).body());

        assertThat(status.path("report_id").asText()).isEqualTo("R-4");
        assertThat(status.path("keyserver_url").asText()).isEqualTo("https://keys.example.org");
        assertThat(status.has("expires_at")).isTrue();
    }
}
