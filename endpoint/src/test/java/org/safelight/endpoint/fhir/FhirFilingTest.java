package org.safelight.endpoint.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.client.fhir.testing.Recorded;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/**
 * Reports received by the endpoint filed into a real FHIR server (HAPI, strict, Basic auth on), STU3
 * and R4, on SQLite and PostgreSQL: the seed's calls, and every resource read back.
 */
class FhirFilingTest {
    private static final String NOTES = "Left forearm laceration, 4 cm, cleaned and closed with 5 sutures.";
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));

    static List<String> targets(FhirTestServer fhir) {
        return fhir.requests().stream().map(r -> r.method() + " " + r.target()).toList();
    }

    /** The item (file name) each resource carrying a {@code urn:safelight:item} identifier is for. */
    private static String item(JsonNode resource) {
        for (JsonNode id : resource.path("identifier")) {
            if (id.path("system").asText().equals("urn:safelight:item")) {
                String value = id.path("value").asText();
                return value.substring(value.indexOf('/') + 1);
            }
        }
        return "";
    }

    /** The bytes an attachment carries, inline or in the Binary its url names. */
    private static byte[] attached(FhirRig rig, JsonNode attachment) {
        if (attachment.has("data")) {
            return Base64.getDecoder().decode(attachment.path("data").asText());
        }
        return rig.fhir.binaryBytes(attachment.path("url").asText());
    }

    @EachDatabase
    void a_report_is_filed_with_the_seeds_calls_in_stu3_and_r4_and_reads_back_byte_identical(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            for (FhirVersion version : FhirVersion.values()) {
                try (FhirRig rig = new FhirRig(db, dir.resolve(version.name()), clock, version, FhirRig.Config.media())) {
                    String doctor = rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                    rig.fhir.addPractitioner("Dr", "Someone", "Else", "else@example.org");
                    String ada = rig.fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|MRN-1");
                    rig.fhir.addPatient("Ben", "Quill", "1961-03-07");
                    String id = "R-" + version + "-1";
                    FhirRig.Sent sent = FhirRig.report(id, FhirRig.patient("Ada", "Quill", "1961-03-07", ""));
                    rig.receive(sent);

                    rig.pipeline.drain();

                    assertThat(rig.state(id)).as(version.name()).isEqualTo("delivered");
                    assertThat(rig.delivery(id).status()).isEqualTo("delivered");
                    List<String> calls = rig.targetsWhen(t -> t.stream().anyMatch(c -> c.startsWith("POST DocumentManifest")));
                    assertThat(calls).startsWith("GET Practitioner?email=" + FhirRig.SENDER,
                            "GET Patient?given=Ada&family=Quill&birthdate=1961-03-07");
                    assertThat(rig.fhir.requests()).filteredOn(r -> r.method().equals("POST"))
                            .extracting(Recorded::resourceType).containsOnly("Binary", "Media", "DocumentManifest");
                    assertThat(rig.fhir.requests()).allSatisfy(r -> assertThat(r.status()).isLessThan(300));
                    assertThat(rig.fhir.requests()).filteredOn(r -> r.is("POST", "Media") || r.is("POST", "DocumentManifest"))
                            .allSatisfy(r -> assertThat(r.ifNoneExist()).isPresent());

                    // Every Media: about Ada, taken by the sender, its bytes as sent.
                    Map<String, String> mediaByItem = new HashMap<>();
                    for (var media : rig.fhir.resources("Media")) {
                        String ref = rig.fhir.reference(media);
                        JsonNode m = rig.resource(ref);
                        String file = item(m);
                        mediaByItem.put(file, ref);
                        assertThat(m.path("subject").path("reference").asText()).isEqualTo(ada);
                        assertThat(m.path("operator").path("reference").asText()).isEqualTo(doctor);
                        boolean video = file.startsWith("4");
                        JsonNode content = m.path("content");
                        assertThat(content.path("contentType").asText()).isEqualTo(video ? "video/mp4" : "image/jpeg");
                        String name = video ? "4.m4v" : file.replaceAll("\\..*", "") + ".jpg";
                        assertThat(attached(rig, content)).as(name).isEqualTo(sent.files().get(name));
                        if (version == FhirVersion.R4) {
                            assertThat(m.path("status").asText()).isEqualTo("completed");
                            assertThat(m.path("type").path("coding").get(0).path("code").asText())
                                    .isEqualTo(video ? "video" : "image");
                        } else {
                            assertThat(m.path("type").asText()).isEqualTo(video ? "video" : "photo");
                        }
                    }
                    assertThat(mediaByItem).hasSize(4);

                    // The manifest groups the four Media and the PDF's Binary, with the report's notes.
                    assertThat(rig.fhir.count("DocumentManifest")).isEqualTo(1);
                    JsonNode manifest = rig.resource(rig.fhir.reference(rig.fhir.resources("DocumentManifest").get(0)));
                    assertThat(manifest.path("subject").path("reference").asText()).isEqualTo(ada);
                    assertThat(manifest.path("author").get(0).path("reference").asText()).isEqualTo(doctor);
                    assertThat(manifest.path("description").asText()).isEqualTo(NOTES);
                    assertThat(manifest.path("masterIdentifier").path("value").asText()).isEqualTo(id);
                    List<String> grouped = new ArrayList<>();
                    for (JsonNode c : manifest.path("content")) {
                        grouped.add(version == FhirVersion.R4 ? c.path("reference").asText()
                                : c.path("pReference").path("reference").asText());
                    }
                    assertThat(grouped).containsAll(mediaByItem.values()).hasSize(5);
                    String pdf = grouped.stream().filter(r -> r.startsWith("Binary/")).findFirst().orElseThrow();
                    assertThat(rig.fhir.binaryBytes(pdf)).isEqualTo(sent.files().get("report.pdf"));
                }
            }
        }
    }

    @EachDatabase
    void r4_document_mode_files_document_references_to_binaries(Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            db.migrate("endpoint");
            try (FhirRig rig = new FhirRig(db, dir, clock, FhirVersion.R4,
                    new FhirRig.Config("document", false, null))) {
                String doctor = rig.fhir.addPractitioner("Dr", "Noor", "Haddad", FhirRig.SENDER);
                String ada = rig.fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|MRN-204817");
                FhirRig.Sent sent = FhirRig.report("R-DOC-1", FhirRig.patient("Ada", "Quill", "1961-03-07", "MRN-204817"));
                rig.receive(sent);

                rig.pipeline.drain();

                assertThat(rig.state("R-DOC-1")).isEqualTo("delivered");
                assertThat(targets(rig.fhir)).contains("GET Patient?identifier=MRN-204817");
                assertThat(rig.fhir.count("Media")).isZero();
                assertThat(rig.fhir.count("DocumentManifest")).isZero();
                assertThat(rig.fhir.count("DocumentReference")).isEqualTo(5);
                int pdfs = 0;
                for (var resource : rig.fhir.resources("DocumentReference")) {
                    JsonNode d = rig.resource(rig.fhir.reference(resource));
                    assertThat(d.path("status").asText()).isEqualTo("current");
                    assertThat(d.path("subject").path("reference").asText()).isEqualTo(ada);
                    assertThat(d.path("author").get(0).path("reference").asText()).isEqualTo(doctor);
                    JsonNode attachment = d.path("content").get(0).path("attachment");
                    assertThat(attachment.path("url").asText()).startsWith("Binary/");
                    if (d.path("masterIdentifier").path("value").asText().equals("R-DOC-1")) {
                        pdfs++;
                        assertThat(attachment.path("contentType").asText()).isEqualTo("application/pdf");
                        assertThat(attached(rig, attachment)).isEqualTo(sent.files().get("report.pdf"));
                    } else {
                        String file = item(d);
                        String name = file.startsWith("4") ? "4.m4v" : file.replaceAll("\\..*", "") + ".jpg";
                        assertThat(attached(rig, attachment)).as(name).isEqualTo(sent.files().get(name));
                    }
                }
                assertThat(pdfs).isEqualTo(1);
            }
        }
    }
}
