package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.client.fhir.testing.Recorded;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;

/**
 * Proof against the real test FHIR server (HAPI, strict parser, Basic on): a report filed in STU3
 * media, R4 media and R4 document mode is read back resource by resource, its bytes come back
 * identical, and reruns (with what was recorded, with nothing recorded, after the server stopped
 * mid-report) create no duplicate.
 */
@Timeout(120)
class ReportFilingTest {
    private static final String R = SampleReports.REPORT_ID;
    @TempDir
    Path dir;

    static Stream<Arguments> modes() {
        // limits chosen so every path is taken: raw and inline items, a JSON and a raw report.pdf
        return Stream.of(Arguments.of(FhirVersion.STU3, FhirMode.MEDIA, 30_000L),
                Arguments.of(FhirVersion.R4, FhirMode.MEDIA, 100_000L),
                Arguments.of(FhirVersion.R4, FhirMode.DOCUMENT, 1_500L));
    }

    private record Setup(FhirTestServer fhir, ReportFiler filer, Path folder, ReportMetadata metadata,
                         FhirPatient patient, FhirPractitioner practitioner) {
    }

    private Setup setUp(FhirTestServer fhir, FhirMode mode, long limit) throws Exception {
        FhirClient client = new FhirClient(fhir.baseUrl(), fhir.version(), fhir.basicAuth());
        fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|MRN-204817");
        fhir.addPractitioner("Dr", "Noor", "Haddad", "noor.haddad@example.org");
        FhirPatient patient = client.patients(Map.of("identifier", "urn:mrn|MRN-204817")).get(0);
        FhirPractitioner practitioner = client.practitioners(Map.of("email", "noor.haddad@example.org")).get(0);
        Path folder = dir.resolve("contents");
        ReportMetadata metadata = ReportFolders.sample().write(folder);
        return new Setup(fhir, new ReportFiler(client, mode, limit), folder, metadata, patient, practitioner);
    }

    private static JsonNode json(FhirTestServer fhir, String reference) throws IOException {
        return FhirClient.JSON.readTree(fhir.json(reference));
    }

    private static Map<String, Integer> counts(FhirTestServer fhir) {
        Map<String, Integer> counts = new HashMap<>();
        for (String type : List.of("Media", "Binary", "DocumentManifest", "DocumentReference", "Patient")) {
            counts.put(type, fhir.count(type));
        }
        return counts;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modes")
    void a_filed_report_reads_back_with_its_references_types_and_identical_bytes(FhirVersion version, FhirMode mode,
                                                                                 long limit) throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(version)) {
            Setup s = setUp(fhir, mode, limit);

            FiledReport filed = s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(),
                    CreatedResources.inMemory());

            assertThat(filed.items()).hasSize(4);
            List<String> itemTypes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MediaItem item = s.metadata().media().get(i);
                JsonNode resource = json(fhir, filed.items().get(i));
                assertThat(resource.path("subject").path("reference").asText()).isEqualTo(s.patient().reference());
                String performer = mode == FhirMode.MEDIA ? "operator" : "author";
                JsonNode who = mode == FhirMode.MEDIA ? resource.path(performer) : resource.path(performer).path(0);
                assertThat(who.path("reference").asText()).isEqualTo(s.practitioner().reference());
                assertThat(who.path("display").asText()).isEqualTo("Dr Noor Haddad");
                assertThat(resource.path("identifier").path(0).path("value").asText()).isEqualTo(R + "/" + item.id());
                JsonNode attachment = mode == FhirMode.MEDIA ? resource.path("content")
                        : resource.path("content").path(0).path("attachment");
                assertThat(attachment.path("contentType").asText()).isEqualTo(ReportFiler.contentType(item.type()));
                byte[] expected = Files.readAllBytes(s.folder().resolve(item.fileName()));
                byte[] stored = attachment.has("data") ? Base64.getDecoder().decode(attachment.path("data").asText())
                        : fhir.binaryBytes(attachment.path("url").asText());
                assertThat(stored).as(item.fileName()).isEqualTo(expected);
                itemTypes.add(resource.path("resourceType").asText());
            }
            assertThat(itemTypes).containsOnly(mode == FhirMode.MEDIA ? "Media" : "DocumentReference");
            assertThat(fhir.binaryBytes(filed.pdf())).isEqualTo(Files.readAllBytes(s.folder().resolve("report.pdf")));

            JsonNode grouping = json(fhir, filed.grouping());
            assertThat(grouping.path("subject").path("reference").asText()).isEqualTo(s.patient().reference());
            assertThat(grouping.path("author").path(0).path("reference").asText()).isEqualTo(s.practitioner().reference());
            assertThat(grouping.path("masterIdentifier").path("value").asText()).isEqualTo(R);
            assertThat(grouping.path("description").asText()).isEqualTo(s.metadata().details().notes());
            List<String> grouped = new ArrayList<>();
            if (mode == FhirMode.MEDIA) {
                assertThat(grouping.path("resourceType").asText()).isEqualTo("DocumentManifest");
                grouping.path("content").forEach(c -> grouped.add(version == FhirVersion.STU3
                        ? c.path("pReference").path("reference").asText() : c.path("reference").asText()));
                assertThat(grouped).containsExactlyElementsOf(Stream.concat(Stream.of(filed.pdf()),
                        filed.items().stream()).toList());
            } else {
                assertThat(grouping.path("resourceType").asText()).isEqualTo("DocumentReference");
                assertThat(grouping.path("content").path(0).path("attachment").path("url").asText()).isEqualTo(filed.pdf());
                assertThat(grouping.path("content").path(0).path("attachment").path("contentType").asText())
                        .isEqualTo("application/pdf");
                grouping.path("context").path("related").forEach(c -> grouped.add(c.path("reference").asText()));
                assertThat(grouped).containsExactlyElementsOf(filed.items());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modes")
    void reruns_create_no_duplicate_whether_or_not_they_know_what_was_created(FhirVersion version, FhirMode mode,
                                                                              long limit) throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(version)) {
            Setup s = setUp(fhir, mode, limit);
            CreatedResources created = CreatedResources.inMemory();
            fhir.clearRequests();
            FiledReport first = s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(), created);
            long raw = rawBinariesCreated(fhir.requests());
            assertThat(raw).isPositive();
            Map<String, Integer> before = counts(fhir);
            fhir.clearRequests();

            FiledReport known = s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(), created);

            assertThat(known).isEqualTo(first);
            assertThat(fhir.requests()).isEmpty();

            FiledReport forgotten = s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(),
                    CreatedResources.inMemory());

            // every resource with an identifier (or a tag) is found again, and a raw Binary, which
            // cannot carry one, is found through the Media or DocumentReference that owns it: no
            // upload again
            assertThat(counts(fhir)).isEqualTo(before);
            assertThat(rawBinariesCreated(fhir.requests())).isZero();
            assertThat(forgotten).isEqualTo(first);
        }
    }

    @Test
    void a_server_stopped_mid_report_and_started_again_gets_the_report_completed_without_duplicates() throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(FhirVersion.R4)) {
            Setup s = setUp(fhir, FhirMode.MEDIA, 100_000);
            CreatedResources created = CreatedResources.inMemory();
            AtomicInteger media = new AtomicInteger();
            fhir.failWhen(r -> r.created("Media") && media.incrementAndGet() == 2);

            assertThatThrownBy(() -> s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(), created))
                    .isInstanceOfSatisfying(FhirException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.status()).isZero();
                    });
            assertThat(fhir.count("Media")).isEqualTo(2); // the second one was stored, its answer lost

            awaitStopped(fhir);
            fhir.restart();
            FiledReport filed = s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(), created);

            assertThat(fhir.count("Media")).isEqualTo(4);
            assertThat(fhir.count("DocumentManifest")).isEqualTo(1);
            assertThat(filed.items()).doesNotHaveDuplicates().hasSize(4);
            assertThat(fhir.resources("Media").stream().map(fhir::reference).toList())
                    .containsExactlyInAnyOrderElementsOf(filed.items());
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void creating_a_patient_whose_id_a_record_already_holds_files_nothing_to_that_record(FhirVersion version)
            throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(version)) {
            ReportFiler filer = new ReportFiler(new FhirClient(fhir.baseUrl(), version, fhir.basicAuth()),
                    FhirMode.MEDIA, ReportFiler.DEFAULT_INLINE_LIMIT);
            String holder = fhir.addPatient("Anne", "Smyth", "1979-05-05", "urn:mrn|123");
            fhir.addPatient("Cy", "Twin", "1950-01-01", "urn:mrn|777");
            fhir.addPatient("Cy", "Twin", "1950-01-01", "urn:mrn|777");
            CreatedResources created = CreatedResources.inMemory();

            assertThatThrownBy(() -> filer.createPatient(new PatientDetails("Anna", "Smith", "1980-01-02", "123"), R,
                    java.util.Optional.of("urn:mrn"), created))
                    .isInstanceOfSatisfying(PatientExistsException.class, e -> {
                        assertThat(e.several()).isFalse();
                        assertThat(e.holders()).extracting(FhirPatient::reference).containsExactly(holder);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains(holder).doesNotContain("Smith").doesNotContain("Smyth")
                                .doesNotContain("123");
                    });
            assertThatThrownBy(() -> filer.createPatient(new PatientDetails("Cy", "Twin", "1950-01-01", "777"), "R2",
                    java.util.Optional.of("urn:mrn"), created))
                    .isInstanceOfSatisfying(PatientExistsException.class, e -> {
                        assertThat(e.several()).isTrue();
                        assertThat(e.holders()).hasSize(2);
                    });
            assertThat(created.find(R + "/patient")).isEmpty();
            assertThat(fhir.count("Patient")).isEqualTo(3);
        }
    }

    @Test
    void a_report_partly_filed_for_one_patient_is_never_completed_for_another() throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(FhirVersion.R4)) {
            Setup s = setUp(fhir, FhirMode.MEDIA, 100_000);
            String otherRef = fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|MRN-999");
            FhirPatient other = new FhirPatient(otherRef, "Ada", "Quill", "1961-03-07", List.of("urn:mrn|MRN-999"));
            CreatedResources created = CreatedResources.inMemory();
            AtomicInteger media = new AtomicInteger();
            fhir.failWhen(r -> r.created("Media") && media.incrementAndGet() == 2);
            assertThatThrownBy(() -> s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(), created))
                    .isInstanceOf(FhirException.class);
            awaitStopped(fhir);
            fhir.restart();

            assertThatThrownBy(() -> s.filer().file(s.folder(), s.metadata(), other, s.practitioner(), created))
                    .isInstanceOfSatisfying(FilingConflictException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("already partly filed to another patient record")
                                .doesNotContain("Quill");
                    });
            assertThat(created.find(R + "/subject")).contains(s.patient().reference());
            assertThat(fhir.count("DocumentManifest")).isZero();
            assertThat(fhir.resources("Media").stream().map(fhir::reference).map(fhir::json))
                    .noneMatch(json -> json.contains(otherRef));
        }
    }

    static Stream<Arguments> adoptions() {
        return Stream.concat(modes(), Stream.of(Arguments.of(FhirVersion.R4, FhirMode.MEDIA, 1_000_000_000L)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("adoptions")
    void resources_found_on_the_server_for_another_patient_or_practitioner_are_never_adopted(FhirVersion version,
                                                                                           FhirMode mode, long limit)
            throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(version)) {
            Setup s = setUp(fhir, mode, limit);
            // filed once (say from the CLI, to the patient picked there) ...
            s.filer().file(s.folder(), s.metadata(), s.patient(), s.practitioner(), CreatedResources.inMemory());
            Map<String, Integer> before = counts(fhir);
            String otherRef = fhir.addPatient("Bea", "Stone", "1970-01-01", "urn:mrn|B-1");
            FhirPatient other = new FhirPatient(otherRef, "Bea", "Stone", "1970-01-01", List.of("urn:mrn|B-1"));
            String otherDoctorRef = fhir.addPractitioner("Dr", "Ola", "Berg", "ola@example.org");
            FhirPractitioner otherDoctor = new FhirPractitioner(otherDoctorRef, "Dr Ola Berg", List.of(), List.of());
            before.put("Patient", before.get("Patient") + 1);

            // ... then again, with nothing recorded, for another patient, or by another practitioner
            assertThatThrownBy(() -> s.filer().file(s.folder(), s.metadata(), other, s.practitioner(),
                    CreatedResources.inMemory()))
                    .isInstanceOfSatisfying(FilingConflictException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("another patient record").contains(s.patient().reference())
                                .doesNotContain("Quill").doesNotContain("Stone");
                    });
            assertThatThrownBy(() -> s.filer().file(s.folder(), s.metadata(), s.patient(), otherDoctor,
                    CreatedResources.inMemory()))
                    .isInstanceOfSatisfying(FilingConflictException.class,
                            e -> assertThat(e.getMessage()).contains("another practitioner"));
            assertThat(counts(fhir)).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void a_person_created_patient_is_created_once(FhirVersion version) throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(version)) {
            ReportFiler filer = new ReportFiler(new FhirClient(fhir.baseUrl(), version, fhir.basicAuth()),
                    FhirMode.MEDIA, ReportFiler.DEFAULT_INLINE_LIMIT);
            PatientDetails details = new PatientDetails("Ada", "Quill", "1961-03-07", "MRN-204817");

            CreatedResources created = CreatedResources.inMemory();
            FhirPatient first = filer.createPatient(details, R, java.util.Optional.of("urn:mrn"), created);
            FhirPatient again = filer.createPatient(details, R, java.util.Optional.of("urn:mrn"), created);
            // its create answer lost (nothing recorded): the record made for this report is known again
            FhirPatient lost = filer.createPatient(details, R, java.util.Optional.of("urn:mrn"), CreatedResources.inMemory());
            FhirPatient noId = filer.createPatient(new PatientDetails("Bo", "Quill", "1990-01-02", ""), "R2",
                    java.util.Optional.empty(), CreatedResources.inMemory());

            assertThat(again.reference()).isEqualTo(first.reference());
            assertThat(lost.reference()).isEqualTo(first.reference());
            assertThat(noId.reference()).isNotEqualTo(first.reference());
            assertThat(fhir.count("Patient")).isEqualTo(2);
            FhirClient client = new FhirClient(fhir.baseUrl(), version, fhir.basicAuth());
            assertThat(client.patient(first.reference())).contains(new FhirPatient(first.reference(), "Ada", "Quill",
                    "1961-03-07", List.of("urn:mrn|MRN-204817", "urn:safelight:report|" + R)));
            assertThat(client.patients(Map.of("identifier", "urn:safelight:report|R2")))
                    .extracting(FhirPatient::reference).containsExactly(noId.reference());
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void the_seeds_searches_find_patients_and_practitioners(FhirVersion version) throws Exception {
        try (FhirTestServer fhir = FhirTestServer.start(version)) {
            String ada = fhir.addPatient("Ada", "Quill", "1961-03-07", "urn:mrn|1");
            String bo = fhir.addPatient("Bo", "Quill", "1961-03-07");
            fhir.addPatient("Cy", "Other", "1961-03-07");
            String dr = fhir.addPractitioner("Dr", "Noor", "Haddad", "Noor.Haddad@example.org", "urn:npi|9");
            fhir.addPractitioner(null, "Sam", "Lee", "sam@example.org");
            FhirClient client = new FhirClient(fhir.baseUrl(), version, fhir.basicAuth());
            Map<String, String> exact = new LinkedHashMap<>();
            exact.put("given", "Ada");
            exact.put("family", "Quill");
            exact.put("birthdate", "1961-03-07");
            Map<String, String> partial = new LinkedHashMap<>();
            partial.put("family", "Quill");
            partial.put("birthdate", "1961-03-07");

            assertThat(client.patients(exact)).containsExactly(new FhirPatient(ada, "Ada", "Quill", "1961-03-07",
                    List.of("urn:mrn|1")));
            assertThat(client.patients(partial)).extracting(FhirPatient::reference).containsExactlyInAnyOrder(ada, bo);
            assertThat(client.practitioners(Map.of())).hasSize(2);
            assertThat(client.practitioners(Map.of("email", "noor.haddad@example.org")))
                    .containsExactly(new FhirPractitioner(dr, "Dr Noor Haddad", List.of("noor.haddad@example.org"),
                            List.of("urn:npi|9")));
            assertThat(fhir.requests()).extracting(r -> r.method() + " " + r.target()).containsExactly(
                    "GET Patient?given=Ada&family=Quill&birthdate=1961-03-07",
                    "GET Patient?family=Quill&birthdate=1961-03-07",
                    "GET Practitioner",
                    "GET Practitioner?email=noor.haddad@example.org");
        }
    }

    /**
     * The fault's stop runs in the background and may begin after the client saw its answer dropped:
     * restarting before it has begun would have it stop the restarted server.
     */
    private static void awaitStopped(FhirTestServer fhir) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", fhir.port()), 1000);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the FHIR test server did not stop after its fault");
    }

    static Stream<FhirVersion> versions() {
        return Stream.of(FhirVersion.STU3, FhirVersion.R4);
    }

    private static long rawBinariesCreated(List<Recorded> requests) {
        return requests.stream().filter(r -> r.created("Binary")
                && !r.contentType().orElse("").startsWith("application/fhir+json")).count();
    }
}
