package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.SharedFiles;

/**
 * What the filer sends, call by call, to a server that takes anything: the JSON the real test
 * server's strict parser also checks, plus what it cannot show (headers, which bytes went inline).
 */
@Timeout(60)
class ReportFilerShapesTest {
    private static final String R = SampleReports.REPORT_ID;
    private static final FhirPatient PATIENT = new FhirPatient("Patient/p1", "Ada", "Quill", "1961-03-07", List.of());
    private static final FhirPractitioner DOCTOR = new FhirPractitioner("Practitioner/d1", "Dr Noor Haddad",
            List.of(), List.of());
    private static final long LIMIT = 1500; // signature.jpg (1,499 bytes) inline; the rest raw
    private FakeFhir server;
    @TempDir
    Path dir;
    private Path folder;
    private ReportMetadata metadata;

    @BeforeEach
    void start() throws IOException {
        server = new FakeFhir();
        AtomicInteger ids = new AtomicInteger();
        server.answer = (r, i) -> {
            if (r.method().equals("GET")) { // looking for an item's resource before a raw upload: none
                return new FakeFhir.Reply(200, Map.of("Content-Type", "application/fhir+json"),
                        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}");
            }
            String type = r.pathAndQuery().substring("/fhir/".length());
            return new FakeFhir.Reply(201, Map.of("Location",
                    server.base() + "/" + type + "/" + ids.incrementAndGet() + "/_history/1"), "");
        };
        folder = dir.resolve("contents");
        metadata = ReportFolders.report().photo("IMG_0002", SharedFiles.media("signature.jpg"))
                .video("VID_0001", SharedFiles.media("clip.m4v"))
                .audio("AUD_0001", SharedFiles.media("voice.m4a")).write(folder);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ReportFiler filer(FhirVersion version, FhirMode mode) {
        return new ReportFiler(new FhirClient(server.base(), version, FhirAuth.none()), mode, LIMIT);
    }

    private static JsonNode json(FakeFhir.Request request) throws IOException {
        return FhirClient.JSON.readTree(request.body());
    }

    /** What was created (the searches before raw uploads left out). */
    private List<FakeFhir.Request> posts() {
        return server.requests.stream().filter(r -> !r.method().equals("GET")).toList();
    }

    private List<String> gets() {
        return server.requests.stream().filter(r -> r.method().equals("GET")).map(FakeFhir.Request::pathAndQuery).toList();
    }

    private List<String> calls() {
        List<String> calls = new ArrayList<>();
        posts().forEach(r -> calls.add(r.method() + " " + r.pathAndQuery() + " " + r.headers().get("Content-Type")
                + (r.headers().containsKey("If-None-Exist") ? " ? " + r.headers().get("If-None-Exist") : "")));
        return calls;
    }

    @Test
    void stu3_media_mode_sends_the_seeds_calls_with_stu3_shapes() throws Exception {
        FiledReport filed = filer(FhirVersion.STU3, FhirMode.MEDIA).file(folder, metadata, PATIENT, DOCTOR,
                CreatedResources.inMemory());

        String json = "application/fhir+json; charset=utf-8";
        assertThat(calls()).containsExactly(
                "POST /fhir/Media " + json + " ? identifier=urn:safelight:item|" + R + "/IMG_0002",
                "POST /fhir/Binary video/mp4",
                "POST /fhir/Media " + json + " ? identifier=urn:safelight:item|" + R + "/VID_0001",
                "POST /fhir/Binary audio/mp4",
                "POST /fhir/Media " + json + " ? identifier=urn:safelight:item|" + R + "/AUD_0001",
                "POST /fhir/Binary application/pdf",
                "POST /fhir/DocumentManifest " + json + " ? identifier=urn:safelight:report|" + R);
        // before each raw upload, the resource that would own it is looked for (M3: not uploaded twice)
        assertThat(gets()).containsExactly("/fhir/Media?identifier=urn:safelight:item%7C" + R + "%2FVID_0001",
                "/fhir/Media?identifier=urn:safelight:item%7C" + R + "%2FAUD_0001",
                "/fhir/DocumentManifest?identifier=urn:safelight:report%7C" + R);
        assertThat(filed).isEqualTo(new FiledReport("DocumentManifest/7", "Binary/6",
                List.of("Media/1", "Media/3", "Media/5"), java.util.Arrays.asList(null, "Binary/2", "Binary/4")));

        JsonNode photo = json(posts().get(0));
        assertThat(photo.path("type").asText()).isEqualTo("photo");
        assertThat(photo.has("status")).isFalse();
        assertThat(photo.path("identifier").path(0).path("value").asText()).isEqualTo(R + "/IMG_0002");
        assertThat(photo.path("subject").path("reference").asText()).isEqualTo("Patient/p1");
        assertThat(photo.path("subject").path("display").asText()).isEqualTo("Ada Quill");
        assertThat(photo.path("operator").path("reference").asText()).isEqualTo("Practitioner/d1");
        assertThat(photo.path("occurrenceDateTime").asText()).isEqualTo("2026-11-20T14:05:00+11:00");
        assertThat(photo.path("content").path("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(Base64.getDecoder().decode(photo.path("content").path("data").asText()))
                .isEqualTo(Files.readAllBytes(folder.resolve("IMG_0002.jpg")));
        JsonNode video = json(posts().get(2));
        assertThat(video.path("type").asText()).isEqualTo("video");
        assertThat(video.path("content").path("url").asText()).isEqualTo("Binary/2");
        assertThat(video.path("content").has("data")).isFalse();
        assertThat(video.path("content").path("size").asLong()).isEqualTo(Files.size(folder.resolve("VID_0001.m4v")));
        assertThat(json(posts().get(4)).path("content").path("contentType").asText()).isEqualTo("audio/mp4");
        assertThat(posts().get(1).sha256()).isEqualTo(Hashes.sha256(folder.resolve("VID_0001.m4v")));
        assertThat(posts().get(5).sha256()).isEqualTo(Hashes.sha256(folder.resolve("report.pdf")));

        JsonNode manifest = json(posts().get(6));
        assertThat(manifest.path("masterIdentifier").path("system").asText()).isEqualTo("urn:safelight:report");
        assertThat(manifest.path("status").asText()).isEqualTo("current");
        assertThat(manifest.path("author").path(0).path("display").asText()).isEqualTo("Dr Noor Haddad");
        assertThat(manifest.path("description").asText()).startsWith("Left forearm laceration");
        assertThat(manifest.path("content").findValuesAsText("reference"))
                .containsExactly("Binary/6", "Media/1", "Media/3", "Media/5");
        assertThat(manifest.path("content").path(0).has("pReference")).isTrue();
    }

    @Test
    void r4_media_mode_has_a_status_a_coded_type_binary_data_and_a_list_of_references() throws Exception {
        ReportFiler filer = new ReportFiler(new FhirClient(server.base(), FhirVersion.R4, FhirAuth.none()),
                FhirMode.MEDIA, 1024 * 1024);

        FiledReport filed = filer.file(folder, metadata, PATIENT, DOCTOR, CreatedResources.inMemory());

        JsonNode photo = json(posts().get(0));
        assertThat(photo.path("status").asText()).isEqualTo("completed");
        assertThat(photo.path("type").path("coding").path(0).path("system").asText())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/media-type");
        assertThat(photo.path("type").path("coding").path(0).path("code").asText()).isEqualTo("image");
        assertThat(photo.path("createdDateTime").asText()).isEqualTo("2026-11-20T14:05:00+11:00");
        assertThat(json(posts().get(1)).path("type").path("coding").path(0).path("code").asText()).isEqualTo("video");
        // everything is under the limit now: the PDF goes as a tagged JSON Binary, conditionally
        FakeFhir.Request pdf = posts().get(3);
        assertThat(pdf.headers()).containsEntry("If-None-Exist", "_tag=urn:safelight:item|" + R + "/report.pdf");
        JsonNode binary = json(pdf);
        assertThat(binary.path("meta").path("tag").path(0).path("code").asText()).isEqualTo(R + "/report.pdf");
        assertThat(binary.path("contentType").asText()).isEqualTo("application/pdf");
        assertThat(binary.has("content")).isFalse();
        assertThat(Base64.getDecoder().decode(binary.path("data").asText()))
                .isEqualTo(Files.readAllBytes(folder.resolve("report.pdf")));
        JsonNode manifest = json(posts().get(4));
        assertThat(manifest.path("content").path(0).path("reference").asText()).isEqualTo(filed.pdf());
        assertThat(filed.binaries()).containsOnlyNulls();
    }

    @Test
    void r4_document_mode_files_each_item_and_the_pdf_as_document_references_to_binaries() throws Exception {
        FiledReport filed = filer(FhirVersion.R4, FhirMode.DOCUMENT).file(folder, metadata, PATIENT, DOCTOR,
                CreatedResources.inMemory());

        assertThat(calls()).extracting(c -> c.split(" ")[1]).containsExactly("/fhir/Binary", "/fhir/DocumentReference",
                "/fhir/Binary", "/fhir/DocumentReference", "/fhir/Binary", "/fhir/DocumentReference",
                "/fhir/Binary", "/fhir/DocumentReference");
        JsonNode photoDoc = json(posts().get(1));
        assertThat(photoDoc.path("identifier").path(0).path("value").asText()).isEqualTo(R + "/IMG_0002");
        assertThat(photoDoc.has("masterIdentifier")).isFalse();
        assertThat(photoDoc.path("content").path(0).path("attachment").path("url").asText()).isEqualTo("Binary/1");
        JsonNode report = json(posts().get(7));
        assertThat(report.path("masterIdentifier").path("value").asText()).isEqualTo(R);
        assertThat(report.path("type").path("text").asText()).isEqualTo("Clinical photography report");
        assertThat(report.path("date").asText()).isEqualTo("2026-11-20T14:05:00+11:00");
        assertThat(report.path("content").path(0).path("attachment").path("contentType").asText()).isEqualTo("application/pdf");
        assertThat(report.path("context").path("related").findValuesAsText("reference")).isEqualTo(filed.items());
        assertThat(filed.grouping()).isEqualTo("DocumentReference/8");
    }

    @Test
    void a_rerun_with_what_was_recorded_creates_nothing() throws Exception {
        CreatedResources created = CreatedResources.inMemory();
        ReportFiler filer = filer(FhirVersion.R4, FhirMode.MEDIA);
        FiledReport first = filer.file(folder, metadata, PATIENT, DOCTOR, created);
        int calls = server.requests.size();

        FiledReport again = filer.file(folder, metadata, PATIENT, DOCTOR, created);

        assertThat(again).isEqualTo(first);
        assertThat(server.requests).hasSize(calls);
        assertThat(created.find(R + "/VID_0001/binary")).contains("Binary/2");
        assertThat(created.find(R + "/grouping")).contains(first.grouping());
    }

    @Test
    void without_notes_the_description_names_the_report_and_long_notes_are_clipped() throws IOException {
        ReportMetadata none = ReportFolders.report().notes("").write(dir.resolve("a"));
        ReportMetadata longNotes = ReportFolders.report().notes("n".repeat(5000)).write(dir.resolve("b"));

        assertThat(ReportFiler.description(none, R)).isEqualTo("Safelight report " + R);
        assertThat(ReportFiler.description(longNotes, R)).hasSize(1000);
    }

    @Test
    void a_patient_is_created_once_on_its_identifier() throws Exception {
        ReportFiler filer = filer(FhirVersion.STU3, FhirMode.MEDIA);
        CreatedResources created = CreatedResources.inMemory();
        PatientDetails details = new PatientDetails("Ada", "Quill", "1961-03-07", "MRN 204817");

        FhirPatient patient = filer.createPatient(details, R, Optional.of("urn:oid:1.2.3"), created);
        filer.createPatient(details, R, Optional.of("urn:oid:1.2.3"), created);

        assertThat(server.requests).hasSize(1);
        assertThat(posts().get(0).headers()).containsEntry("If-None-Exist", "identifier=urn:oid:1.2.3|MRN%20204817");
        JsonNode json = json(posts().get(0));
        assertThat(json.path("identifier").path(0).path("value").asText()).isEqualTo("MRN 204817");
        assertThat(json.path("active").asBoolean()).isTrue();
        assertThat(json.path("name").path(0).path("family").asText()).isEqualTo("Quill");
        assertThat(json.path("name").path(0).path("given").path(0).asText()).isEqualTo("Ada");
        assertThat(json.path("birthDate").asText()).isEqualTo("1961-03-07");
        assertThat(patient).isEqualTo(new FhirPatient("Patient/1", "Ada", "Quill", "1961-03-07",
                List.of("urn:oid:1.2.3|MRN 204817")));
    }

    @Test
    void a_patient_without_an_id_is_created_once_on_the_report() throws Exception {
        filer(FhirVersion.R4, FhirMode.MEDIA).createPatient(new PatientDetails("Ada", "Quill", "1961-03-07", ""), R,
                Optional.empty(), CreatedResources.inMemory());

        assertThat(posts().get(0).headers()).containsEntry("If-None-Exist", "identifier=urn:safelight:report|" + R);
    }

    @Test
    void the_document_mode_is_r4_only_and_a_missing_file_is_not_retryable() {
        assertThatThrownBy(() -> filer(FhirVersion.STU3, FhirMode.DOCUMENT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> filer(FhirVersion.R4, FhirMode.MEDIA).file(dir.resolve("nowhere"), metadata, PATIENT,
                DOCTOR, CreatedResources.inMemory()))
                .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("IMG_0002.jpg");
    }
}
