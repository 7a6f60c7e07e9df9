package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.testing.TestDatabases;

/**
 * The cloud role deployed apart from accounts, as behind one public address: it checks tokens
 * against the accounts server's published keys and records uploads there over HTTP with the
 * service credential both were given; the cloud's own database is PostgreSQL.
 */
class CloudApartTest {
    @TempDir
    Path dir;

    private static final ServeConfig.Cloud WITH_CREDENTIAL = ServeConfig.Cloud.DEFAULTS.withServiceCredential(
            new ServiceCredential("cloud-apart-test-service-credential-0123456789"));

    @Test
    void a_cloud_role_apart_records_uploads_on_the_accounts_servers_list() throws Exception {
        try (SafelightServer accounts = TestServer.start(dir.resolve("accounts"), Set.of("accounts", "keys"), null,
                WITH_CREDENTIAL, Clock.systemUTC());
             Database pg = TestDatabases.postgres()) {
            String pgUrl = pg.dataSource().unwrap(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl();
            URI accountsUrl = accounts.url();
            try (SafelightServer cloud = TestServer.start(dir.resolve("cloud"), Set.of("cloud"), accountsUrl,
                    WITH_CREDENTIAL, Clock.systemUTC(), pgUrl, "postgres", "postgres", accountsUrl)) {
                TestUsers users = new TestUsers(dir, dir.resolve("accounts"), accountsUrl.toString());
                users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
                Fixtures.draft(dir.resolve("draft"));
                Path out = dir.resolve("sent");
                assertThat(users.run("ada", "seal", dir.resolve("draft").toString(), "-o", out + "/", "--keyserver",
                        accountsUrl.toString()).exitCode()).isZero();
                byte[] bytes;
                try (Stream<Path> sent = Files.list(out)) {
                    bytes = Files.readAllBytes(sent.findFirst().orElseThrow());
                }
                CloudHttp toAccounts = new CloudHttp(accountsUrl.toString());
                String ada = toAccounts.token("ada", "ada@hospital.example");

                HttpResponse<String> up = new CloudHttp(cloud.url().toString()).upload(ada, bytes, "");
                assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
                JsonNode upload = CloudHttp.json(up.body());
                assertThat(upload.path("link").asText()).startsWith(accountsUrl + "/app/report/AU/");

                JsonNode mine = CloudHttp.json(toAccounts.get("/api/v1/accounts/me/reports", ada).body())
                        .path("reports");
                assertThat(mine).hasSize(1);
                assertThat(mine.get(0).path("download_url").asText()).isEqualTo(upload.path("download_url").asText());

                String onCloud = upload.path("download_url").asText().replace(accountsUrl.toString(),
                        cloud.url().toString());
                assertThat(new CloudHttp(cloud.url().toString()).download(onCloud, ada, null).body()).isEqualTo(bytes);

                // the user cannot add an entry of their own making, even one naming this server's links
                String name = "A".repeat(22) + "-R1";
                String madeUp = "{\"report_id\":\"R1\",\"region\":\"AU\",\"link\":\"" + accountsUrl
                        + "/app/report/AU/" + name + "\",\"download_url\":\"" + accountsUrl
                        + "/api/v1/cloud/reports/AU/" + name + "\",\"size\":1,\"expires_at\":\""
                        + java.time.Instant.now().plusSeconds(60) + "\"}";
                HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(accountsUrl.resolve("/api/v1/accounts/me/reports"))
                                .header("Authorization", "Bearer " + ada).header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(madeUp)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(403);
                assertThat(CloudHttp.json(toAccounts.get("/api/v1/accounts/me/reports", ada).body()).path("reports"))
                        .hasSize(1);
            }
        }
    }
}
