package org.safelight.endpoint.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/**
 * "Create the patient" never files to a record that already holds the report's patient ID, and a
 * report is never completed for another patient than the one its first resources were filed to.
 * On SQLite and PostgreSQL, against the real test server.
 */
class FhirFilingConflictTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));

    @EachDatabase
    void an_id_conflict_never_offers_create_and_a_create_answer_overtaken_by_a_record_holding_the_id_asks_again(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.R4, FhirRig.Config.media().creating())) {
                rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                String smyth = rig.fhir.addPatient("Anne", "Smyth", "1979-05-05", "urn:mrn|MRN-8");
                rig.receive(FhirRig.report("R-CONFLICT", FhirRig.patient("Anna", "Smith", "1980-01-02", "MRN-8")));
                rig.receive(FhirRig.report("R-LATE", FhirRig.patient("Ada", "Quill", "1961-03-07", "MRN-9")));

                rig.pipeline.drain();

                JsonNode conflict = rig.fhirDeliveryJson("R-CONFLICT", true).path("question");
                assertThat(conflict.path("reason").asText()).isEqualTo("id_conflict");
                assertThat(conflict.path("can_create").asBoolean()).isFalse();
                assertThat(conflict.path("message").asText()).doesNotContain("or create the patient");
                assertThat(rig.answer("R-CONFLICT", "{\"create_patient\":true}").path("error").asText())
                        .isEqualTo("invalid_answer");

                JsonNode late = rig.fhirDeliveryJson("R-LATE", true).path("question");
                assertThat(late.path("reason").asText()).isEqualTo("no_match");
                assertThat(late.path("can_create").asBoolean()).isTrue();
                assertThat(rig.answer("R-LATE", "{\"create_patient\":true}").path("_status").asInt()).isEqualTo(200);
                // before the delivery runs, another person's record gets the report's patient ID
                String holder = rig.fhir.addPatient("Bea", "Stone", "1970-01-01", "urn:mrn|MRN-9");
                rig.pipeline.drain();

                assertThat(rig.delivery("R-LATE").status()).isEqualTo("needs_person");
                JsonNode again = rig.fhirDeliveryJson("R-LATE", true).path("question");
                assertThat(again.path("reason").asText()).isEqualTo("id_conflict");
                assertThat(again.path("can_create").asBoolean()).isFalse();
                assertThat(again.path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsExactly(holder);
                assertThat(rig.fhir.count("Media")).isZero();
                assertThat(rig.fhir.count("Patient")).isEqualTo(2);
                assertThat(smyth).isNotEqualTo(holder);
            }
        }
    }

    @EachDatabase
    void a_report_partly_filed_to_one_patient_is_parked_when_a_later_answer_names_another(Supplier<Database> database)
            throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.R4, FhirRig.Config.media())) {
                rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                String first = rig.fhir.addPatient("Ada", "Quill", "1961-03-07");
                AtomicInteger media = new AtomicInteger();
                rig.fhir.failWhen(r -> r.created("Media") && media.incrementAndGet() == 2);
                rig.receive(FhirRig.report("R-MIX", FhirRig.patient("Ada", "Quill", "1961-03-07", "")));
                rig.pipeline.drain();
                assertThat(rig.delivery("R-MIX").status()).isEqualTo("pending");
                assertThat(rig.fhir.count("Media")).isEqualTo(2);

                // meanwhile a second record fits: the retry asks, and the admin picks the other one
                String second = rig.fhir.addPatient("Ada", "Quill", "1961-03-07");
                rig.restartAfterFault();
                clock.advance(Duration.ofMinutes(5));
                rig.pipeline.drain();
                assertThat(rig.delivery("R-MIX").status()).isEqualTo("needs_person");
                assertThat(rig.answer("R-MIX", "{\"patient\":\"" + second + "\"}").path("_status").asInt()).isEqualTo(200);
                rig.pipeline.drain();

                assertThat(rig.delivery("R-MIX").status()).isEqualTo("parked");
                assertThat(rig.delivery("R-MIX").lastError())
                        .contains("already partly filed to another patient record (" + first + ")")
                        .contains("remove those resources first").doesNotContain("Quill").doesNotContain("1961");
                assertThat(rig.fhir.count("Media")).isEqualTo(2);
                assertThat(rig.fhir.count("DocumentManifest")).isZero();
                assertThat(rig.fhir.resources("Media")).allSatisfy(m -> assertThat(rig.fhir.json(rig.fhir.reference(m)))
                        .doesNotContain(second));
            }
        }
    }
}
