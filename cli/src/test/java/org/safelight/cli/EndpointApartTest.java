package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.testing.Ports;

/**
 * The endpoint role deployed apart from accounts: the institution's view asks the accounts server
 * over HTTP, with the service credential both were given, who administers the endpoint's
 * enterprise; without that credential the endpoint does not start.
 */
class EndpointApartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServeConfig.Cloud WITH_CREDENTIAL = ServeConfig.Cloud.DEFAULTS.withServiceCredential(
            new ServiceCredential("endpoint-apart-test-service-credential-0123456789"));
    private static final ServeConfig.Smtp OUTBOX = new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private SafelightServer endpointApart(URI accountsUrl, ServeConfig.Cloud shared, String keyServerToken)
            throws Exception {
        Path data = dir.resolve("endpoint-data");
        return Ports.onFreePort(port -> SafelightServer.start(new ServeConfig(data, "127.0.0.1", port, Set.of(),
                Database.sqliteUrl(data), null, null, accountsUrl, URI.create("http://localhost:" + port), List.of(),
                OUTBOX, 60, shared).with(new EndpointWiring(EndpointSettings.defaults().withAllowPlainHttp(true)
                .withKeys(List.of(), keyServerToken, null))), Clock.systemUTC()));
    }

    private HttpResponse<String> call(String method, URI url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_admin_of_the_enterprise_sees_every_report_of_an_endpoint_running_apart_and_a_member_only_their_own()
            throws Exception {
        try (SafelightServer accounts = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys"), null,
                WITH_CREDENTIAL, Clock.systemUTC())) {
            String url = accounts.url().toString();
            TestUsers users = new TestUsers(dir, dir.resolve("data"), url);
            Cli.Result created = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                    "--name", "Example Hospital", "--admin", "it@hospital.example", "--domains", "hospital.example");
            assertThat(created.exitCode()).as(created.stderr()).isZero();
            users.signUpVerifyAndLogIn("it", "it@hospital.example");
            users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
            String keyServerToken = users.run("it", "enterprise", "key-server-token", "new").out().lines()
                    .findFirst().orElseThrow();
            CloudHttp toAccounts = new CloudHttp(url);
            String it = toAccounts.token("it", "it@hospital.example");
            String ada = toAccounts.token("ada", "ada@hospital.example");

            try (SafelightServer endpoint = endpointApart(accounts.url(), WITH_CREDENTIAL, keyServerToken)) {
                URI reports = endpoint.url().resolve("/api/v1/endpoint/reports");
                HttpResponse<String> asAdmin = call("GET", reports, it);
                HttpResponse<String> asMember = call("GET", reports, ada);
                assertThat(asAdmin.statusCode()).as(asAdmin.body()).isEqualTo(200);
                assertThat(JSON.readTree(asAdmin.body()).path("scope").asText()).isEqualTo("all");
                assertThat(asMember.statusCode()).as(asMember.body()).isEqualTo(200);
                assertThat(JSON.readTree(asMember.body()).path("scope").asText()).isEqualTo("own");

                URI retry = endpoint.url().resolve("/api/v1/endpoint/reports/R-NONE/retry");
                JsonNode adminRetry = JSON.readTree(call("POST", retry, it).body());
                JsonNode memberRetry = JSON.readTree(call("POST", retry, ada).body());
                assertThat(adminRetry.path("error").asText()).isEqualTo("unknown_report");
                assertThat(memberRetry.path("error").asText()).isEqualTo("not_enterprise_admin");
            }
        }
    }

    @Test
    void an_endpoint_apart_from_accounts_without_the_service_credential_does_not_start() throws Exception {
        URI accountsUrl = URI.create("https://accounts.example.org");
        assertThatThrownBy(() -> endpointApart(accountsUrl, ServeConfig.Cloud.DEFAULTS, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--service-credential");

        Cli.Result serve = Cli.runWithEnv(Map.of(), "serve", "--roles", "endpoint", "--data-dir",
                dir.resolve("cli-data").toString(), "--port", "0", "--accounts-url", accountsUrl.toString());
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.stderr()).contains("--service-credential").contains("SAFELIGHT_SERVICE_CREDENTIAL");
    }
}
