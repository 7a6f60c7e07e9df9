package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.TestTokens;

class KeyServerTest {
    @TempDir
    Path dataDir;

    @Test
    void a_key_server_opened_on_a_data_folder_migrates_serves_keys_and_logs_them() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        TestTokens tokens = TestTokens.forKeyServer(clock);
        try (Database db = Database.open(Database.sqliteUrl(dataDir));
             KeyServer keyServer = KeyServer.open(db, dataDir, tokens.verifier(), List.of(), clock)) {
            Javalin app = ServerApp.create(List.of(keyServer.role()), c -> { }).start(0);
            try {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + app.port() + "/api/v1/reports/r1/key"))
                        .header("Authorization", "Bearer " + tokens.token("u1", "u1@example.org"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).isEqualTo(201);
                assertThat(keyServer.role().name()).isEqualTo("keys");
                assertThat(keyServer.auditLog().verify()).isInstanceOfSatisfying(AuditVerification.Intact.class,
                        ok -> assertThat(ok.events()).isEqualTo(1));
            } finally {
                app.stop();
            }
        }
    }
}
