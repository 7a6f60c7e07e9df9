package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

/**
 * Every route of every role, walked from the served OpenAPI document, signed in and not: each answer
 * says nosniff and cannot be framed, and each answer to a request carrying a credential is no-store
 * (the access log's route forgot it before this was a rule of the server).
 */
class ResponseHeadersEverywhereTest {
    @TempDir
    Path dir;

    @Test
    void every_documented_route_answers_with_the_safe_headers_and_authenticated_ones_no_store() throws Exception {
        try (SafelightServer server = TestServer.start(dir.resolve("data"))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = server.url().toString();
            TestUsers users = new TestUsers(dir, dir.resolve("data"), base);
            users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
            String ada = new CloudHttp(base).token("ada", "ada@hospital.example");

            JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(http.send(HttpRequest.newBuilder(
                    server.url().resolve("/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofString()).body());
            int walked = 0;
            for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
                String concrete = path.getKey().replaceAll("\\{[^}]+}", "AU").replace("/AU/AU", "/AU/"
                        + "A".repeat(22) + "-R1");
                for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                    String method = operation.getKey().toUpperCase(Locale.ROOT);
                    if (method.equals("PARAMETERS")) {
                        continue;
                    }
                    for (String bearer : new String[] {null, ada, "not-a-token"}) {
                        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + concrete))
                                .header("Content-Type", "application/json")
                                .method(method, method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")
                                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
                        if (bearer != null) {
                            request.header("Authorization", "Bearer " + bearer);
                        }
                        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                        String what = method + " " + concrete + (bearer == null ? "" : " (authenticated)") + " → "
                                + r.statusCode();
                        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).contains("nosniff");
                        assertThat(r.headers().firstValue("X-Frame-Options")).as(what).contains("DENY");
                        assertThat(r.headers().firstValue("Server")).as(what).isEmpty();
                        if (bearer != null) {
                            assertThat(r.headers().firstValue("Cache-Control")).as(what).contains("no-store");
                        }
                        walked++;
                    }
                }
            }
            assertThat(walked).isGreaterThan(60);
        }
    }

    @Test
    void the_access_log_of_a_report_is_never_stored_by_a_cache() throws Exception {
        try (SafelightServer server = TestServer.start(dir.resolve("data"))) {
            String base = server.url().toString();
            TestUsers users = new TestUsers(dir, dir.resolve("data"), base);
            users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
            Fixtures.draft(dir.resolve("draft"));
            Path out = dir.resolve("sent");
            assertThat(users.run("ada", "seal", dir.resolve("draft").toString(), "-o", out + "/", "--keyserver", base)
                    .exitCode()).isZero();
            String reportId;
            try (var sent = java.nio.file.Files.list(out)) {
                String file = sent.findFirst().orElseThrow().getFileName().toString();
                reportId = file.substring(0, file.indexOf('.'));
            }
            CloudHttp accounts = new CloudHttp(base);
            String ada = accounts.keyServerToken(accounts.token("ada", "ada@hospital.example"), base);
            HttpResponse<String> log = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/reports/" + reportId + "/accesses")).header("Authorization", "Bearer " + ada)
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
            assertThat(log.headers().firstValue("Cache-Control")).contains("no-store");
        }
    }
}
