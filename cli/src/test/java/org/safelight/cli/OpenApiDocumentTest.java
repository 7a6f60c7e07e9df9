package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

class OpenApiDocumentTest {
    @TempDir
    Path dir;

    @Test
    void the_served_document_describes_exactly_the_routes_the_server_answers() throws Exception {
        try (SafelightServer server = TestServer.start(dir.resolve("data"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.url().resolve("/openapi.yaml")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(r.body());
            assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");

            List<String> documented = new ArrayList<>();
            for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
                for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                    String method = operation.getKey();
                    if (!method.equals("parameters")) {
                        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                }
            }
            assertThat(documented).containsExactlyInAnyOrderElementsOf(server.routes());
            assertThat(documented).contains("GET /api/v1/reports/{reportId}/key", "POST /api/v1/accounts/signin",
                    "GET /.well-known/jwks.json", "GET /health", "GET /health/live", "GET /health/ready");
            assertThat(server.routes()).hasSizeGreaterThan(20);
            // every $ref points at something the merged document defines
            for (String ref : refs(doc, new ArrayList<>())) {
                assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            }
        }
    }

    private static List<String> refs(JsonNode node, List<String> found) {
        if (node.isObject() && node.has("$ref")) {
            found.add(node.get("$ref").asText());
        }
        node.elements().forEachRemaining(child -> refs(child, found));
        return found;
    }
}
