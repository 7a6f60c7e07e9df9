package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.tokens.AccessTokens;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.accounts.users.User;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.testing.MutableClock;

/**
 * What a sign-in said when it was made never decides an outcome later: whether the address is
 * confirmed and which enterprise the user is in are read from the account when a key is made, when
 * a report is uploaded and when a download is asked for. Real server (accounts, keys, cloud on
 * SQLite), driven through the CLI and plain HTTP.
 */
class SignInFactsEndToEndTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private SafelightServer server;
    private String url;
    private String publicUrl;
    private TestUsers users;
    private CloudHttp http;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null,
                ServeConfig.Cloud.DEFAULTS, clock);
        url = server.url().toString();
        publicUrl = url.replace("127.0.0.1", "localhost");
        users = new TestUsers(dir, dir.resolve("data"), url);
        http = new CloudHttp(url);
        Fixtures.draft(dir.resolve("draft"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path seal(String who) throws IOException {
        return users.seal(who, dir.resolve("draft"));
    }

    private static String id(Path report) {
        return report.getFileName().toString().replace(".picsafe", "");
    }

    @Test
    void a_member_signed_in_before_the_operator_made_the_enterprise_sends_a_report_that_its_sync_gets()
            throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        // Only now does the operator make the enterprise: ada's sign-in knows nothing of it.
        Cli.Result created = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example", "--domains", "hospital.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        users.signUpVerifyAndLogIn("it", "it@hospital.example");
        String apiKey = users.run("it", "enterprise", "api-key", "new").out().lines().findFirst().orElseThrow();
        String token = users.run("it", "enterprise", "key-server-token", "new").out().lines().findFirst()
                .orElseThrow();

        Path report = seal("ada");
        Cli.Result sent = users.run("ada", "send", report.toString(), "--to", "cloud");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();

        JsonNode listing = CloudHttp.json(http.get("/api/v1/enterprise/reports", apiKey).body());
        assertThat(listing.get("reports")).extracting(r -> r.get("report_id").asText()).containsExactly(id(report));
        Path out = dir.resolve("inbox");
        Cli.Result sync = Cli.runWithEnv(Map.of("SAFELIGHT_API_KEY", apiKey, "SAFELIGHT_KEY_SERVER_TOKEN", token),
                "sync", "--server", url, "--out", out.toString());
        assertThat(sync.exitCode()).as(sync.stderr()).isZero();
        assertThat(sync.out()).contains("Wrote report " + id(report), "1 new");
        assertThat(out.resolve(id(report)).resolve("metadata.json")).exists();
    }

    @Test
    void a_user_whose_sign_in_said_unconfirmed_gets_keys_uploads_and_downloads_once_confirmed_without_signing_in_again()
            throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        Path report = seal("ada");
        String stale = unconfirmedSignInOf("ada", "ada@hospital.example");

        HttpResponse<String> me = http.get("/api/v1/accounts/me", stale);
        String keyServerToken = http.keyServerToken(stale, url);
        HttpResponse<String> key = http.get(url + "/api/v1/reports/" + id(report) + "/key", keyServerToken);
        HttpResponse<String> upload = http.upload(stale, Files.readAllBytes(report), "");
        HttpResponse<byte[]> download = http.download(CloudHttp.json(upload.body()).get("download_url").asText(),
                stale, null);

        assertThat(CloudHttp.json(me.body()).get("email_verified").asBoolean()).isTrue();
        assertThat(key.statusCode()).as(key.body()).isEqualTo(200);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(Files.readAllBytes(report));
    }

    /**
     * A real user token of this server for {@code who}'s account, signed with its keys, that says
     * the address was not confirmed: what a sign-in made before confirming carries.
     */
    private String unconfirmedSignInOf(String who, String email) throws Exception {
        JsonNode me = CloudHttp.json(http.get("/api/v1/accounts/me", http.token(who, email)).body());
        User before = new User(me.get("user_id").asText(), me.get("user_number").asLong(), email, "",
                me.get("first_name").asText(), me.get("last_name").asText(), me.get("title").asText(),
                me.get("country").asText(), false, Instant.parse(me.get("created_at").asText()));
        SigningKeys keys = SigningKeys.open(server.database(),
                org.safelight.server.crypto.MasterKey.load(dir.resolve("data"), java.util.Map.of()), dir.resolve("data"), clock);
        return new AccessTokens(keys, URI.create(publicUrl), clock).issue(before, Optional.empty());
    }
}
