package org.safelight.endpoint.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestTokens;

/** The institution API on the endpoint's real tables, on SQLite and on PostgreSQL. */
class InstitutionApiOnTheStoreTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final TestTokens users = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();

    private void receive(EndpointStore store, String id, String sender) {
        store.insert(new EndpointStore.NewReport(id, new Arrival(Arrival.Source.HTTPS, sender, true, null,
                clock.instant()), "plain", 100, "ab".repeat(32), id + ".picsafe", ReceivedFiles.AtRest.MASTER_KEY),
                List.of("folder", "forward"));
        clock.advance(Duration.ofSeconds(10));
    }

    private JsonNode call(String base, String method, String path, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.MAPPER.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("_status", r.statusCode());
        return body;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.safelight.server.testing.TestDatabases#engines")
    void the_admin_sees_a_parked_delivery_with_its_error_and_retries_it_and_a_sender_sees_their_own(
            String engine, Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            EndpointStore store = new EndpointStore(db);
            receive(store, "R-ADA-1", "ada@hospital.org");
            receive(store, "R-BEN-1", "ben@clinic.org");
            // The worker opens R-ADA-1, files it, and gives up on the forward.
            EndpointStore.Claim claim = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
            assertThat(claim.reportId()).isEqualTo("R-ADA-1");
            store.opened(claim, clock.instant());
            store.delivered(claim, "folder", clock.instant());
            store.deliveryFailed(claim, "forward", "HTTP 503 from the middleware", null);
            store.release(claim, clock.instant().plus(Duration.ofDays(30)));

            InstitutionApi api = new InstitutionApi(new StoredReports(db, clock), users.verifier(),
                    (enterprise, user) -> "u-it".equals(user.userId()), Optional.of("ent-1"), List.of());
            Javalin app = InstitutionServer.start(api);
            try {
                String base = "http://localhost:" + app.port();
                String admin = users.token("u-it", "it@hospital.org");
                String ada = users.token("u-ada", "ada@hospital.org");

                JsonNode all = call(base, "GET", "/api/v1/endpoint/reports", admin);
                JsonNode mine = call(base, "GET", "/api/v1/endpoint/reports", ada);
                JsonNode parked = call(base, "GET", "/api/v1/endpoint/reports/R-ADA-1", admin);
                JsonNode notHers = call(base, "GET", "/api/v1/endpoint/reports/R-BEN-1", ada);
                JsonNode retried = call(base, "POST", "/api/v1/endpoint/reports/R-ADA-1/retry", admin);

                assertThat(all.path("reports")).extracting(r -> r.path("report_id").asText())
                        .containsExactly("R-BEN-1", "R-ADA-1");
                assertThat(mine.path("reports")).extracting(r -> r.path("report_id").asText())
                        .containsExactly("R-ADA-1");
                assertThat(parked.path("state").asText()).isEqualTo("opened");
                assertThat(parked.path("deliveries")).extracting(d -> d.path("destination").asText() + " "
                        + d.path("status").asText()).containsExactly("folder delivered", "forward parked");
                assertThat(parked.path("deliveries").get(1).path("last_error").asText())
                        .isEqualTo("HTTP 503 from the middleware");
                assertThat(notHers.path("_status").asInt()).isEqualTo(404);
                assertThat(retried.path("_status").asInt()).isEqualTo(200);
                assertThat(retried.path("retried").asInt()).isEqualTo(1);
                assertThat(retried.path("report").path("deliveries").get(1).path("status").asText())
                        .isEqualTo("pending");
                assertThat(store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow().due())
                        .extracting(EndpointStore.DueDelivery::destination).contains("forward");
            } finally {
                app.stop();
            }
        }
    }
}
