package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.server.db.Database;
import org.safelight.server.http.TrustedProxies;

/** Behind a reverse proxy (here: the test itself, from 127.0.0.1) the audit names the real client. */
class TrustedProxyEndToEndTest {
    @TempDir
    Path dir;

    private SafelightServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void the_audit_records_the_client_a_trusted_proxy_forwards_and_not_one_a_client_claims() throws Exception {
        server = TestServer.behind(dir.resolve("data"), TrustedProxies.parse(List.of("127.0.0.0/8")));
        String url = server.url().toString();
        TestUsers users = new TestUsers(dir, dir.resolve("data"), url);
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        CloudHttp accounts = new CloudHttp(url);
        String token = accounts.keyServerToken(accounts.token("ada", "ada@hospital.example"), url);
        HttpClient http = HttpClient.newHttpClient();

        // the client claimed 10.6.6.6; the proxy appended the address it saw
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/reports/R-1/key"))
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", "10.6.6.6, 203.0.113.9")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        try (Database db = Database.open(Database.sqliteUrl(dir.resolve("data")))) {
            List<String> addresses = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT remote_address FROM audit_events WHERE report_id = 'R-1'").mapTo(String.class).list());
            assertThat(addresses).containsExactly("203.0.113.9");
        }
    }
}
