package org.safelight.endpoint.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestTokens;

/**
 * A delivery waiting for a person, on the endpoint's real tables (SQLite and PostgreSQL): the admin
 * sees its question (the sender does not), retry leaves it waiting, and the answer route checks the
 * answer against the question and makes the delivery due with it.
 */
class AnswerRouteTest {
    private static final String FHIR = "fhir";
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final TestTokens users = new TestTokens(clock);
    private final HttpClient http = HttpClient.newHttpClient();
    private EndpointStore store;
    private String base;
    private String admin;
    private String sender;

    private static Question patientQuestion(boolean canCreate) {
        return new Question("patient", "several_matches", "Several patients fit the report's name and birth date.",
                Map.of("given", "Ada", "family", "Lovelace", "birth_date", "1980-02-03", "patient_id", ""),
                List.of(Map.of("reference", "Patient/1", "display", "Ada Lovelace", "birth_date", "1980-02-03",
                                "identifiers", List.of("urn:mrn|1")),
                        Map.of("reference", "Patient/2", "display", "Ada Lovelace", "birth_date", "1980-02-03",
                                "identifiers", List.of())), canCreate);
    }

    private static Question practitionerQuestion() {
        return new Question("practitioner", "unknown_sender", "No practitioner has the sender's address.",
                Map.of("sender_email", "ada@hospital.org", "sender_name", "Dr Ada"),
                List.of(Map.of("reference", "Practitioner/7", "display", "Dr Ada Byron", "emails", List.of())), false);
    }

    /** Receives {@code id}, opens it, files the folder copy and parks the FHIR one on {@code question}. */
    private void waiting(String id, Question question) {
        store.insert(new EndpointStore.NewReport(id, new Arrival(Arrival.Source.HTTPS, "ada@hospital.org", true, null,
                clock.instant()), "plain", 100, "ab".repeat(32), id + ".picsafe", ReceivedFiles.AtRest.MASTER_KEY),
                List.of(FHIR, "folder"));
        EndpointStore.Claim claim = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
        store.opened(claim, clock.instant());
        store.delivered(claim, "folder", clock.instant());
        store.needsPerson(claim, FHIR, question);
        store.release(claim, clock.instant().plus(Duration.ofDays(30)));
    }

    private JsonNode call(String method, String path, String token, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = Json.MAPPER.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("_status", r.statusCode());
        return json;
    }

    private JsonNode answer(String id, String body) throws Exception {
        return call("POST", "/api/v1/endpoint/reports/" + id + "/deliveries/" + FHIR + "/answer", admin, body);
    }

    private Javalin start(Database db) {
        MasterKey master = MasterKey.load(dir, Map.of());
        store = new EndpointStore(db, master);
        InstitutionApi api = new InstitutionApi(new StoredReports(db, clock, master), users.verifier(),
                (enterprise, user) -> "u-it".equals(user.userId()), Optional.of("ent-1"), List.of());
        Javalin app = InstitutionServer.start(api);
        base = "http://localhost:" + app.port();
        admin = users.token("u-it", "it@hospital.org");
        sender = users.token("u-ada", "ada@hospital.org");
        return app;
    }

    @EachDatabase
    void the_admin_sees_the_question_answers_a_candidate_and_the_delivery_is_due_with_it(Supplier<Database> database)
            throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            Javalin app = start(db);
            try {
                waiting("R-1", patientQuestion(false));

                JsonNode seen = call("GET", "/api/v1/endpoint/reports/R-1", admin, null);
                String atRest = db.jdbi().withHandle(h -> h.createQuery("SELECT question FROM endpoint_deliveries"
                        + " WHERE report_id = 'R-1' AND destination = 'fhir'").mapTo(String.class).one());
                JsonNode own = call("GET", "/api/v1/endpoint/reports/R-1", sender, null);
                JsonNode retried = call("POST", "/api/v1/endpoint/reports/R-1/retry", admin, null);
                JsonNode asSender = call("POST", "/api/v1/endpoint/reports/R-1/deliveries/fhir/answer", sender,
                        "{\"patient\":\"Patient/1\"}");
                JsonNode create = answer("R-1", "{\"create_patient\":true}");
                JsonNode wrongKind = answer("R-1", "{\"practitioner\":\"Practitioner/7\"}");
                JsonNode malformed = answer("R-1", "{\"patient\":\"Robert'); DROP TABLE\"}");
                JsonNode two = answer("R-1", "{\"patient\":\"Patient/1\",\"create_patient\":true}");
                JsonNode noSuch = call("POST", "/api/v1/endpoint/reports/R-1/deliveries/dicom/answer", admin,
                        "{\"patient\":\"Patient/1\"}");
                JsonNode picked = answer("R-1", "{\"patient\":\"Patient/2\"}");
                JsonNode again = answer("R-1", "{\"patient\":\"Patient/1\"}");

                assertThat(atRest).as("sealed under the master key").isNotBlank().doesNotContain("Lovelace")
                        .doesNotContain("1980").doesNotContain("Patient/");
                JsonNode fhir = seen.path("deliveries").get(0);
                assertThat(seen.path("state").asText()).isEqualTo("opened");
                assertThat(fhir.path("status").asText()).isEqualTo("needs_person");
                assertThat(fhir.path("next_attempt_at").isNull()).isTrue();
                assertThat(fhir.path("question").path("reason").asText()).isEqualTo("several_matches");
                assertThat(fhir.path("question").path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsExactly("Patient/1", "Patient/2");
                assertThat(fhir.path("question").path("can_create").asBoolean()).isFalse();
                assertThat(own.path("deliveries").get(0).path("status").asText()).isEqualTo("needs_person");
                assertThat(own.path("deliveries").get(0).has("question")).isFalse();
                assertThat(own.toString()).doesNotContain("Lovelace");
                assertThat(retried.path("report").path("deliveries").get(0).path("status").asText())
                        .isEqualTo("needs_person");
                assertThat(retried.path("report").path("deliveries").get(0).path("question").isObject()).isTrue();
                assertThat(asSender.path("_status").asInt()).isEqualTo(403);
                for (JsonNode refused : List.of(create, wrongKind, malformed, two)) {
                    assertThat(refused.path("_status").asInt()).as(refused.toString()).isEqualTo(400);
                    assertThat(refused.path("error").asText()).isEqualTo("invalid_answer");
                }
                assertThat(noSuch.path("_status").asInt()).isEqualTo(404);
                assertThat(picked.path("_status").asInt()).isEqualTo(200);
                assertThat(picked.path("report").path("deliveries").get(0).path("status").asText()).isEqualTo("pending");
                assertThat(picked.path("report").path("deliveries").get(0).has("question")).isFalse();
                assertThat(again.path("_status").asInt()).isEqualTo(409);
                int withoutQuestion = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM endpoint_deliveries"
                        + " WHERE report_id = 'R-1' AND question IS NULL").mapTo(Integer.class).one());
                assertThat(withoutQuestion).as("an answered question is gone").isEqualTo(2);
                assertThat(again.path("error").asText()).isEqualTo("not_waiting_for_a_person");

                EndpointStore.Claim due = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
                assertThat(due.reportId()).isEqualTo("R-1");
                assertThat(due.due()).singleElement().satisfies(d -> {
                    assertThat(d.destination()).isEqualTo(FHIR);
                    assertThat(d.answers().get(Answers.PATIENT)).contains("Patient/2");
                });
            } finally {
                app.stop();
            }
        }
    }

    @EachDatabase
    void create_is_taken_where_offered_and_a_remembered_practitioner_becomes_the_senders_mapping(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            Javalin app = start(db);
            try {
                waiting("R-2", patientQuestion(true));
                waiting("R-3", practitionerQuestion());

                JsonNode created = answer("R-2", "{\"create_patient\":true}");
                JsonNode patientForSender = answer("R-3", "{\"patient\":\"Patient/1\"}");
                JsonNode remembered = answer("R-3", "{\"practitioner\":\"Practitioner/7\",\"remember\":true}");

                assertThat(created.path("_status").asInt()).isEqualTo(200);
                assertThat(patientForSender.path("_status").asInt()).isEqualTo(400);
                assertThat(remembered.path("_status").asInt()).isEqualTo(200);
                EndpointStore.PractitionerMapping mapping = store.practitionerOf("Ada@Hospital.org").orElseThrow();
                assertThat(mapping.reference()).isEqualTo("Practitioner/7");
                assertThat(mapping.display()).contains("Dr Ada Byron");
                assertThat(mapping.setBy()).isEqualTo("it@hospital.org");
                assertThat(mapping.setAt()).isEqualTo(clock.instant());
            } finally {
                app.stop();
            }
        }
    }
}
