package org.safelight.endpoint.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/**
 * Never a guess: what the FHIR destination links by itself, what it parks for a person, and how the
 * admin's answer on the institution API resumes the delivery; and a FHIR server that stops part-way.
 * On SQLite and PostgreSQL, against the real test server.
 */
class FhirMatchingTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));

    private static JsonNode subjectOfMedia(FhirRig rig) throws Exception {
        return rig.resource(rig.fhir.reference(rig.fhir.resources("Media").get(0))).path("subject");
    }

    @EachDatabase
    void several_candidates_park_with_them_shown_to_the_admin_only_and_the_admins_pick_is_filed(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.R4, FhirRig.Config.media())) {
                rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                String first = rig.fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|A-1");
                String second = rig.fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|A-2");
                rig.receive(FhirRig.report("R-1", FhirRig.patient("Ada", "Quill", "1961-03-07", "")));

                rig.pipeline.drain();

                assertThat(rig.delivery("R-1").status()).isEqualTo("needs_person");
                assertThat(rig.delivery("R-1").attempts()).isZero();
                assertThat(rig.state("R-1")).isEqualTo("opened");
                assertThat(rig.fhir.count("Media")).isZero();
                assertThat(rig.pipeline.drain()).as("waits: never retried by itself").isZero();
                clock.advance(Duration.ofDays(1));
                assertThat(rig.pipeline.drain()).isZero();
                JsonNode admin = rig.fhirDeliveryJson("R-1", true);
                JsonNode sender = rig.fhirDeliveryJson("R-1", false);
                assertThat(admin.path("status").asText()).isEqualTo("needs_person");
                assertThat(admin.path("question").path("kind").asText()).isEqualTo("patient");
                assertThat(admin.path("question").path("reason").asText()).isEqualTo("several_matches");
                assertThat(admin.path("question").path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsExactlyInAnyOrder(first, second);
                assertThat(admin.path("question").path("candidates").get(0).path("birth_date").asText())
                        .isEqualTo("1961-03-07");
                assertThat(admin.path("question").path("report").path("family").asText()).isEqualTo("Quill");
                assertThat(admin.path("last_error").asText()).doesNotContain("Quill").doesNotContain("1961");
                assertThat(sender.path("status").asText()).isEqualTo("needs_person");
                assertThat(sender.has("question")).isFalse();
                assertThat(sender.toString()).doesNotContain("Quill");

                JsonNode answered = rig.answer("R-1", "{\"patient\":\"" + second + "\"}");
                assertThat(answered.path("_status").asInt()).isEqualTo(200);
                rig.pipeline.drain();

                assertThat(rig.state("R-1")).isEqualTo("delivered");
                assertThat(rig.fhir.count("Media")).isEqualTo(4);
                assertThat(subjectOfMedia(rig).path("reference").asText()).isEqualTo(second);
                assertThat(FhirFilingTest.targets(rig.fhir)).contains("GET Patient/" + second.substring(8));
            }
        }
    }

    @EachDatabase
    void one_exact_match_by_patient_id_links_and_a_conflicting_id_parks(Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.STU3, FhirRig.Config.media())) {
                rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                String ada = rig.fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|MRN-7");
                String other = rig.fhir.addPatient("Bea", "Stone", "1970-01-01", "urn:mrn|MRN-8");
                rig.receive(FhirRig.report("R-ID", FhirRig.patient("Ada", "Quill", "1961-03-07", "MRN-7")));
                rig.receive(FhirRig.report("R-CONFLICT", FhirRig.patient("Ada", "Quill", "1961-03-07", "MRN-8")));

                rig.pipeline.drain();

                assertThat(rig.state("R-ID")).isEqualTo("delivered");
                assertThat(subjectOfMedia(rig).path("reference").asText()).isEqualTo(ada);
                assertThat(rig.delivery("R-CONFLICT").status()).isEqualTo("needs_person");
                JsonNode question = rig.fhirDeliveryJson("R-CONFLICT", true).path("question");
                assertThat(question.path("reason").asText()).isEqualTo("id_conflict");
                assertThat(question.path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsExactly(other);
                assertThat(question.path("can_create").asBoolean()).isFalse();
                assertThat(rig.answer("R-CONFLICT", "{\"create_patient\":true}").path("error").asText())
                        .isEqualTo("invalid_answer");
            }
        }
    }

    @EachDatabase
    void no_match_with_creation_allowed_creates_the_patient_once_even_across_a_lost_answer_and_retries_stu3_and_r4(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            for (FhirVersion version : FhirVersion.values()) {
                String id = "R-NEW-" + version;
                try (FhirRig rig = new FhirRig(db, dir.resolve(version.name()), clock, version, FhirRig.Config.media().creating())) {
                    rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                    rig.fhir.addPatient("Zed", "Other", "1990-01-01");
                    rig.receive(FhirRig.report(id, FhirRig.patient("Ada", "Quill", "1961-03-07", "MRN-NEW")));
                    rig.pipeline.drain();
                    JsonNode question = rig.fhirDeliveryJson(id, true).path("question");
                    assertThat(question.path("reason").asText()).isEqualTo("no_match");
                    assertThat(question.path("can_create").asBoolean()).isTrue();
                    assertThat(rig.targetsWhen(t -> t.contains("GET Patient?family=Quill&birthdate=1961-03-07")))
                            .contains("GET Patient?identifier=MRN-NEW",
                            "GET Patient?given=Ada&family=Quill&birthdate=1961-03-07",
                            "GET Patient?family=Quill&birthdate=1961-03-07");

                    // The admin answers "create" (twice: the second finds nothing waiting); the server
                    // creates the Patient but its answer is lost, then it stops.
                    assertThat(rig.answer(id, "{\"create_patient\":true}").path("_status").asInt()).isEqualTo(200);
                    assertThat(rig.answer(id, "{\"create_patient\":true}").path("error").asText())
                            .isEqualTo("not_waiting_for_a_person");
                    rig.fhir.failWhen(r -> r.created("Patient"));
                    rig.pipeline.drain();
                    assertThat(rig.delivery(id).status()).isEqualTo("pending");
                    assertThat(rig.call(true, "POST", "/api/v1/endpoint/reports/" + id + "/retry", null).path("_status").asInt())
                            .isEqualTo(200);
                    rig.pipeline.drain(); // the server is still down: tried again, fails again
                    rig.restartAfterFault();
                    clock.advance(Duration.ofHours(2));
                    rig.pipeline.drain();

                    assertThat(rig.state(id)).isEqualTo("delivered");
                    assertThat(rig.fhir.count("Patient")).isEqualTo(2);
                    String created = subjectOfMedia(rig).path("reference").asText();
                    JsonNode patient = rig.resource(created);
                    assertThat(patient.path("name").get(0).path("family").asText()).isEqualTo("Quill");
                    assertThat(patient.path("birthDate").asText()).isEqualTo("1961-03-07");
                    assertThat(rig.fhir.requests()).filteredOn(r -> r.is("POST", "Patient"))
                            .allSatisfy(r -> assertThat(r.ifNoneExist()).isPresent());
                }
            }
        }
    }

    @EachDatabase
    void an_unknown_sender_parks_and_the_remembered_answer_links_their_next_report(Supplier<Database> database)
            throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.STU3, FhirRig.Config.media())) {
                String house = rig.fhir.addPractitioner("Dr", "Greg", "House", "house@example.org");
                String noor = rig.fhir.addPractitioner("Dr", "Noor", "Haddad", "noor@personal.example");
                String ada = rig.fhir.addPatient("Ada", "Quill", "1961-03-07");
                rig.receive(FhirRig.report("R-A", FhirRig.patient("Ada", "Quill", "1961-03-07", "")));
                rig.pipeline.drain();

                JsonNode question = rig.fhirDeliveryJson("R-A", true).path("question");
                assertThat(question.path("kind").asText()).isEqualTo("practitioner");
                assertThat(question.path("reason").asText()).isEqualTo("unknown_sender");
                assertThat(question.path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsExactlyInAnyOrder(house, noor);
                assertThat(rig.targetsWhen(t -> t.contains("GET Practitioner"))).containsSubsequence(
                        "GET Practitioner?email=" + FhirRig.SENDER, "GET Practitioner");

                assertThat(rig.answer("R-A", "{\"practitioner\":\"" + noor + "\",\"remember\":true}").path("_status")
                        .asInt()).isEqualTo(200);
                rig.pipeline.drain();
                assertThat(rig.state("R-A")).isEqualTo("delivered");
                JsonNode media = rig.resource(rig.fhir.reference(rig.fhir.resources("Media").get(0)));
                assertThat(media.path("operator").path("reference").asText()).isEqualTo(noor);
                assertThat(media.path("subject").path("reference").asText()).isEqualTo(ada);

                rig.fhir.clearRequests();
                rig.receive(FhirRig.report("R-B", FhirRig.patient("Ada", "Quill", "1961-03-07", "")));
                rig.pipeline.drain();
                assertThat(rig.state("R-B")).isEqualTo("delivered");
                assertThat(FhirFilingTest.targets(rig.fhir)).doesNotContain("GET Practitioner?email=" + FhirRig.SENDER);
                assertThat(rig.fhir.resources("DocumentManifest")).hasSize(2);

                // the same address claimed by a mail: the remembered mapping is only offered, first
                rig.receive(FhirRig.report("R-C", FhirRig.patient("Ada", "Quill", "1961-03-07", "")),
                        new Arrival(Arrival.Source.MAILBOX, FhirRig.SENDER, false, "<m3@example.org>", clock.instant()));
                rig.pipeline.drain();
                assertThat(rig.state("R-C")).isNotEqualTo("delivered");
                JsonNode asked = rig.fhirDeliveryJson("R-C", true);
                assertThat(asked.path("status").asText()).isEqualTo("needs_person");
                assertThat(asked.path("question").path("reason").asText()).isEqualTo("unverified_sender");
                assertThat(asked.path("question").path("candidates").get(0).path("reference").asText()).isEqualTo(noor);
                assertThat(asked.path("question").path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsOnlyOnce(noor);
                JsonNode refused = rig.answer("R-C", "{\"practitioner\":\"" + house + "\",\"remember\":true}");
                assertThat(refused.path("_status").asInt()).isEqualTo(400);
                assertThat(refused.path("error").asText()).isEqualTo("invalid_answer");
                assertThat(rig.fhirDeliveryJson("R-C", true).path("status").asText()).isEqualTo("needs_person");
                assertThat(rig.answer("R-C", "{\"practitioner\":\"" + noor + "\"}").path("_status").asInt())
                        .isEqualTo(200);
                rig.pipeline.drain();
                assertThat(rig.state("R-C")).isEqualTo("delivered");
            }
        }
    }

    @EachDatabase
    void a_mailed_report_is_never_linked_by_its_claimed_sender_nor_by_the_mapping_file_which_links_verified_ones(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            Path mapping = Files.writeString(Files.createDirectories(dir).resolve("practitioners"),
                    "# sender = practitioner\nmapped@example.org = Practitioner/1\n");
            try (FhirRig rig = new FhirRig(db, dir.resolve("rig"), clock, FhirVersion.R4,
                    new FhirRig.Config("media", false, mapping))) {
                String mapped = rig.fhir.addPractitioner("Dr", "Map", "Ped", "mapped@example.org");
                assertThat(mapped).isEqualTo("Practitioner/1");
                String noor = rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                rig.fhir.addPatient("Ada", "Quill", "1961-03-07");
                rig.receive(FhirRig.report("R-MAIL", FhirRig.patient("Ada", "Quill", "1961-03-07", "")),
                        new Arrival(Arrival.Source.MAILBOX, FhirRig.SENDER, false, "<m1@example.org>", clock.instant()));
                rig.receive(FhirRig.report("R-MAPPED", FhirRig.patient("Ada", "Quill", "1961-03-07", "")),
                        new Arrival(Arrival.Source.MAILBOX, "mapped@example.org", false, "<m2@example.org>", clock.instant()));
                rig.receive(FhirRig.report("R-VERIFIED", FhirRig.patient("Ada", "Quill", "1961-03-07", "")),
                        new Arrival(Arrival.Source.HTTPS, "mapped@example.org", true, null, clock.instant()));

                rig.pipeline.drain();

                assertThat(rig.fhirDeliveryJson("R-MAIL", true).path("question").path("reason").asText())
                        .isEqualTo("unverified_sender");
                JsonNode asked = rig.fhirDeliveryJson("R-MAPPED", true);
                assertThat(asked.path("status").asText()).isEqualTo("needs_person");
                assertThat(asked.path("question").path("reason").asText()).isEqualTo("unverified_sender");
                assertThat(asked.path("question").path("candidates")).extracting(c -> c.path("reference").asText())
                        .containsExactly(mapped, noor);
                assertThat(rig.state("R-VERIFIED")).isEqualTo("delivered");
                JsonNode media = rig.resource(rig.fhir.reference(rig.fhir.resources("Media").get(0)));
                assertThat(media.path("operator").path("reference").asText()).isEqualTo(mapped);
            }
        }
    }

    @EachDatabase
    void a_mapped_practitioner_is_read_before_use_and_asked_about_when_gone_even_behind_a_long_list(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            Path mapping = Files.writeString(Files.createDirectories(dir).resolve("practitioners"),
                    "gone@example.org = Practitioner/9999\n");
            try (FhirRig rig = new FhirRig(db, dir.resolve("rig"), clock, FhirVersion.R4,
                    new FhirRig.Config("media", false, mapping))) {
                for (int i = 0; i < 205; i++) {
                    rig.fhir.addPractitioner("Dr", "P" + i, "Many", "p" + i + "@example.org");
                }
                rig.fhir.addPatient("Ada", "Quill", "1961-03-07");
                rig.receive(FhirRig.report("R-GONE", FhirRig.patient("Ada", "Quill", "1961-03-07", "")),
                        new Arrival(Arrival.Source.HTTPS, "gone@example.org", true, null, clock.instant()));

                rig.pipeline.drain();

                JsonNode asked = rig.fhirDeliveryJson("R-GONE", true);
                assertThat(asked.path("status").asText()).isEqualTo("needs_person");
                assertThat(asked.path("question").path("reason").asText()).isEqualTo("answer_not_found");
                assertThat(rig.fhir.resources("Media")).isEmpty();
                assertThat(FhirFilingTest.targets(rig.fhir)).contains("GET Practitioner/9999");
            }
        }
    }

    @EachDatabase
    void the_fhir_server_stopping_after_the_second_media_then_coming_back_completes_the_report_without_duplicates(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.STU3, FhirRig.Config.media())) {
                rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                rig.fhir.addPatient("Ada", "Quill", "1961-03-07");
                AtomicInteger media = new AtomicInteger();
                rig.fhir.failWhen(r -> r.created("Media") && media.incrementAndGet() == 2);
                rig.receive(FhirRig.report("R-FAULT", FhirRig.patient("Ada", "Quill", "1961-03-07", "")));

                rig.pipeline.drain();

                assertThat(rig.delivery("R-FAULT").status()).isEqualTo("pending");
                assertThat(rig.delivery("R-FAULT").attempts()).isEqualTo(1);
                assertThat(rig.delivery("R-FAULT").lastError()).startsWith("the FHIR server");
                assertThat(rig.delivery("R-FAULT").nextAttemptAt()).isAfter(clock.instant());
                assertThat(rig.fhir.count("Media")).isEqualTo(2);
                int binaries = rig.fhir.count("Binary");

                rig.restartAfterFault();
                assertThat(rig.pipeline.drain()).as("backoff: not due yet").isZero();
                clock.advance(Duration.ofMinutes(5));
                rig.pipeline.drain();

                assertThat(rig.state("R-FAULT")).isEqualTo("delivered");
                assertThat(rig.fhir.count("Media")).isEqualTo(4);
                assertThat(rig.fhir.count("DocumentManifest")).isEqualTo(1);
                // 2.jpg and 4.m4v raw, and report.pdf: the raw ones created before the stop are reused.
                assertThat(rig.fhir.count("Binary")).isEqualTo(3).isGreaterThanOrEqualTo(binaries);
                JsonNode manifest = rig.resource(rig.fhir.reference(rig.fhir.resources("DocumentManifest").get(0)));
                assertThat(manifest.path("content")).hasSize(5);
            }
        }
    }
}
