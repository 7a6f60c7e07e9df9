package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.server.tls.OpensslPki;

class ServeHttpsTest {
    @TempDir
    Path dir;

    @Test
    void with_certificates_in_the_data_folder_the_server_speaks_https_only() throws Exception {
        OpensslPki pki = OpensslPki.create(Files.createDirectories(dir.resolve("pki")));
        Path key = pki.ecKey("server");
        pki.install(dir.resolve("data/certs"), key, pki.leaf(key, "localhost", 4242));
        try (SafelightServer server = TestServer.start(dir.resolve("data"))) {
            assertThat(server.url().getScheme()).isEqualTo("https");
            HttpClient client = HttpClient.newBuilder().sslContext(pki.clientTrustingRoot()).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(server.url().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("accounts", "keys");
        }
    }
}
