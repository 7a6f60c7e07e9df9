package org.safelight.endpoint.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/**
 * What people answered for a delivery links the report to a patient record, so it is kept sealed
 * under the master key like the question; the pipeline gets it back opened, and a sealed answer
 * copied onto another delivery does not open there.
 */
class SealedAnswersTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

    private static Question patientQuestion() {
        return new Question("patient", "several_matches", "Several patients fit the report's name and birth date.",
                Map.of("given", "Ada", "family", "Lovelace", "birth_date", "1980-02-03", "patient_id", ""),
                List.of(Map.of("reference", "Patient/1", "display", "Ada Lovelace"),
                        Map.of("reference", "Patient/2", "display", "Ada Lovelace")), false);
    }

    private void waiting(EndpointStore store, String id) {
        store.insert(new EndpointStore.NewReport(id, new Arrival(Arrival.Source.HTTPS, "ada@hospital.org", true, null,
                clock.instant()), "plain", 100, "ab".repeat(32), id + ".picsafe", ReceivedFiles.AtRest.MASTER_KEY),
                List.of("fhir"));
        EndpointStore.Claim claim = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
        store.opened(claim, clock.instant());
        store.needsPerson(claim, "fhir", patientQuestion());
        store.release(claim, clock.instant().plus(Duration.ofDays(30)));
    }

    private static String answersAtRest(Database db, String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT answers FROM endpoint_deliveries"
                + " WHERE report_id = :id AND destination = 'fhir'").bind("id", id).mapTo(String.class).one());
    }

    @EachDatabase
    void an_answer_is_sealed_at_rest_and_opens_only_for_its_own_delivery(Database db) {
        db.migrate("endpoint");
        MasterKey master = MasterKey.load(dir, Map.of());
        EndpointStore store = new EndpointStore(db, master);
        StoredReports reports = new StoredReports(db, clock, master);
        waiting(store, "R-1");

        ReceivedReports.AnswerResult answered = reports.answer("R-1", "fhir",
                new ReceivedReports.PersonAnswer(Optional.of("Patient/2"), false, Optional.empty(), false), "it@h.org");

        assertThat(answered.outcome()).isEqualTo(ReceivedReports.AnswerResult.Outcome.ANSWERED);
        String atRest = answersAtRest(db, "R-1");
        assertThat(atRest).as("sealed under the master key").isNotBlank().doesNotContain("Patient/");
        EndpointStore.Claim due = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
        assertThat(due.due()).singleElement()
                .satisfies(d -> assertThat(d.answers().get(Answers.PATIENT)).contains("Patient/2"));
        store.delivered(due, "fhir", clock.instant());
        store.release(due, clock.instant().plus(Duration.ofDays(30)));

        // Copied onto another report's delivery, the sealed answer does not open: it asks again.
        waiting(store, "R-2");
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_deliveries SET answers = :a, status = 'pending',"
                + " next_attempt_at = :now WHERE report_id = 'R-2'").bind("a", atRest)
                .bind("now", clock.millis()).execute());
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :now"
                + " WHERE report_id = 'R-2'").bind("now", clock.millis()).execute());
        EndpointStore.Claim other = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
        assertThat(other.reportId()).isEqualTo("R-2");
        assertThat(other.due()).singleElement().satisfies(d -> assertThat(d.answers().values()).isEmpty());
    }

    @EachDatabase
    void the_created_resources_journal_is_sealed_and_opens_only_for_its_own_key(Database db) {
        db.migrate("endpoint");
        EndpointStore store = new EndpointStore(db, MasterKey.load(dir, Map.of()));
        var journal = store.createdResources("R-1", "fhir");
        journal.record("R-1/patient", "Patient/9");
        journal.record("R-1/photo-1/media", "Media/4");
        journal.record("R-1/photo-1/media", "Media/5");

        List<String> atRest = db.jdbi().withHandle(h -> h.createQuery("SELECT reference FROM endpoint_fhir_resources")
                .mapTo(String.class).list());
        assertThat(atRest).hasSize(2).allSatisfy(r -> assertThat(r).doesNotContain("Patient/").doesNotContain("Media/"));
        assertThat(journal.find("R-1/patient")).contains("Patient/9");
        assertThat(journal.find("R-1/photo-1/media")).contains("Media/5");
        assertThat(journal.find("R-1/photo-2/media")).isEmpty();
        assertThat(store.createdResources("R-1", "other").find("R-1/patient")).isEmpty();

        // A reference moved onto another key does not open there: it is as if nothing was created.
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_fhir_resources SET reference ="
                + " (SELECT reference FROM endpoint_fhir_resources WHERE item_key = 'R-1/patient')"
                + " WHERE item_key = 'R-1/photo-1/media'").execute());
        assertThat(journal.find("R-1/photo-1/media")).isEmpty();
    }
}
