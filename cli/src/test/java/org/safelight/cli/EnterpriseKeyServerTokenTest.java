package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

/**
 * An enterprise's Key Server Token fetches keys from a key server that runs apart from accounts:
 * the lone keys role asks the accounts server which enterprise the token belongs to
 * (HttpEnterpriseAuthority over {@code GET /api/v1/enterprise/credential}).
 */
class EnterpriseKeyServerTokenTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> fetch(URI keyServer, String reportId, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(keyServer.resolve("/api/v1/reports/" + reportId + "/key"))
                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enterprise(Path data, String name, String admin, String domain) {
        Cli.Result r = Cli.run("admin", "enterprise", "create", "--data-dir", data.toString(), "--name", name,
                "--admin", admin, "--domains", domain);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.out();
    }

    @Test
    void a_lone_key_server_gives_a_members_report_key_to_the_enterprises_token_only() throws Exception {
        try (SafelightServer accounts = TestServer.start(dir.resolve("accounts"), Set.of("accounts"), null);
             SafelightServer keys = TestServer.start(dir.resolve("keys"), Set.of("keys"), accounts.url())) {
            Path data = dir.resolve("accounts");
            enterprise(data, "Example Hospital", "it@hospital.example", "hospital.example");
            enterprise(data, "Other Clinic", "boss@clinic.example", "clinic.example");
            TestUsers users = new TestUsers(dir, data, accounts.url().toString());
            users.signUpVerifyAndLogIn("it", "it@hospital.example");
            users.signUpVerifyAndLogIn("boss", "boss@clinic.example");
            users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
            String ours = users.run("it", "enterprise", "key-server-token", "new").out().lines().findFirst()
                    .orElseThrow();
            String theirs = users.run("boss", "enterprise", "key-server-token", "new").out().lines().findFirst()
                    .orElseThrow();
            assertThat(ours).startsWith("slkst_");

            Fixtures.draft(dir.resolve("draft"));
            Cli.Result seal = users.run("ada", "seal", dir.resolve("draft").toString(), "-o", dir.resolve("out") + "/",
                    "--keyserver", keys.url().toString());
            assertThat(seal.exitCode()).as(seal.stderr()).isZero();
            Path report;
            try (Stream<Path> out = Files.list(dir.resolve("out"))) {
                report = out.findFirst().orElseThrow();
            }
            String reportId = report.getFileName().toString().replace(".picsafe", "");

            HttpResponse<String> granted = fetch(keys.url(), reportId, ours);
            assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
            String key = new ObjectMapper().readTree(granted.body()).get("key").asText();
            Cli.Result open = Cli.run("open", report.toString(), "-o", dir.resolve("opened").toString(),
                    "--password=" + key); // a key may begin with "-"
            assertThat(open.exitCode()).as(open.stderr()).isZero();

            HttpResponse<String> other = fetch(keys.url(), reportId, theirs);
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.body()).contains("access_denied").doesNotContain(key);
            HttpResponse<String> guessed = fetch(keys.url(), reportId, ours + "x");
            assertThat(guessed.statusCode()).isEqualTo(401);

            assertThat(users.run("ada", "keys", "log", reportId, "--keyserver", keys.url().toString()).out())
                    .contains("enterprise:");
        }
    }

    @Test
    void when_the_accounts_server_is_down_the_token_gets_no_key() throws Exception {
        SafelightServer accounts = TestServer.start(dir.resolve("accounts"), Set.of("accounts"), null);
        try (SafelightServer keys = TestServer.start(dir.resolve("keys"), Set.of("keys"), accounts.url())) {
            accounts.close();
            HttpResponse<String> answer = fetch(keys.url(), "0000000011462800528240", "slkst_0123456789abcdef_x");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("accounts_unavailable");
        }
    }
}
