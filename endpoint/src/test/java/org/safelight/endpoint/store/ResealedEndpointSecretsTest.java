package org.safelight.endpoint.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyRotation;
import org.safelight.server.crypto.Reseal;
import org.safelight.server.crypto.SealedSecrets;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/**
 * A master key rotation re-seals the endpoint's questions, answers and FHIR references with the
 * associated data the store opens them with, so each still opens, under the new key only.
 */
class ResealedEndpointSecretsTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));

    private static final Question QUESTION = new Question("patient", "no_match", "No patient fits.",
            Map.of("given", "Ada"), List.of(), false);

    @EachDatabase
    void questions_answers_and_references_open_under_the_new_key_after_a_rotation(Database db) {
        db.migrate("endpoint");
        MasterKey from = MasterKey.load(dir.resolve("old"), Map.of());
        MasterKey to = MasterKey.load(dir.resolve("new"), Map.of());
        EndpointStore before = new EndpointStore(db, from);
        waiting(before, "R-1");
        String answers = before.sealAnswers("R-1", "fhir", new Answers(Map.of(Answers.PATIENT, "Patient/7")));
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_deliveries SET answers = :a WHERE report_id = 'R-1'")
                .bind("a", answers).execute());
        before.createdResources("R-1", "fhir").record("R-1/patient", "Patient/7");

        List<SealedSecrets.Resealed> done = MasterKeyRotation.reseal(db, EndpointStore.SEALED, new Reseal(from, to, 1));

        assertThat(done).extracting(SealedSecrets.Resealed::resealed).containsExactly(1L, 1L, 1L);
        assertThat(done).extracting(SealedSecrets.Resealed::unreadable).containsOnly(0L);
        EndpointStore after = new EndpointStore(db, to);
        assertThat(after.question("R-1", "fhir")).contains(QUESTION);
        String answersNow = db.jdbi().withHandle(h -> h.createQuery("SELECT answers FROM endpoint_deliveries"
                + " WHERE report_id = 'R-1'").mapTo(String.class).one());
        assertThat(after.openAnswers("R-1", "fhir", answersNow).get(Answers.PATIENT)).contains("Patient/7");
        assertThat(after.createdResources("R-1", "fhir").find("R-1/patient")).contains("Patient/7");
        assertThat(before.question("R-1", "fhir")).as("no longer under the old key").isEmpty();
    }

    private void waiting(EndpointStore store, String id) {
        store.insert(new EndpointStore.NewReport(id, new Arrival(Arrival.Source.HTTPS, "ada@hospital.org", true, null,
                clock.instant()), "plain", 100, "ab".repeat(32), id + ".picsafe", ReceivedFiles.AtRest.MASTER_KEY),
                List.of("fhir"));
        EndpointStore.Claim claim = store.claimDue(clock.instant(), clock.instant().plusSeconds(60)).orElseThrow();
        store.opened(claim, clock.instant());
        store.needsPerson(claim, "fhir", QUESTION);
        store.release(claim, clock.instant().plus(Duration.ofDays(30)));
    }
}
