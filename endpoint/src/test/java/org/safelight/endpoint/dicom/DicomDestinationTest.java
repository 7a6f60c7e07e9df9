package org.safelight.endpoint.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.SharedFiles;

/** The DICOM destination against a real Orthanc with its DICOMweb plugin, started for each test on loopback. */
class DicomDestinationTest {
    private static final String REPORT = SampleReports.REPORT_ID;

    @TempDir
    Path dir;

    private Orthanc orthanc;

    @AfterEach
    void stopOrthanc() {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private Orthanc orthanc() throws Exception {
        orthanc = Orthanc.start(Files.createDirectories(dir.resolve("orthanc")));
        return orthanc;
    }

    private DicomDestination destination(URI url, String password) {
        return new DicomDestination(url, Orthanc.USER, password, Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    private static MediaItem item(String id, MediaItem.MediaType type) {
        return new MediaItem(new ItemId(id), type, Set.of(ConsentLevel.TREATMENT));
    }

    /** A report with two photos, a video and an audio clip; the patient's name in letters beyond ASCII. */
    private OpenedReport report(String patientId, Map<String, Path> files) throws Exception {
        ReportMetadata sample = SampleReports.metadata();
        ReportMetadata metadata = new ReportMetadata(
                new ReportMetadata.Patient("Zoë", "Ødegård", "7", "3", "1961", patientId, "", ""),
                sample.user(), sample.details(), sample.consent(),
                List.of(item("p1", MediaItem.MediaType.PHOTO), item("v1", MediaItem.MediaType.VIDEO),
                        item("p2", MediaItem.MediaType.PHOTO), item("a1", MediaItem.MediaType.AUDIO)));
        Path contents = Files.createDirectories(dir.resolve("contents-" + System.nanoTime()));
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Files.copy(f.getValue(), contents.resolve(f.getKey()));
            hashes.put(f.getKey(), "00");
        }
        return new OpenedReport(REPORT, contents, metadata,
                new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org", true, null, Instant.parse("2026-11-27T22:59:00Z")),
                "dynamic", "ab".repeat(32), hashes, Instant.parse("2026-11-27T23:00:00Z"));
    }

    private OpenedReport report(String patientId) throws Exception {
        return report(patientId, Map.of("p1.jpg", SharedFiles.media("photo-landscape.jpg"),
                "p2.jpg", SharedFiles.media("photo-rotated.jpg"), "v1.m4v", SharedFiles.media("clip.m4v"),
                "a1.m4a", SharedFiles.media("voice.m4a")));
    }

    @Test
    void the_photos_are_stored_with_their_jpeg_bytes_under_the_reports_patient_and_study_and_nothing_else_is_sent()
            throws Exception {
        Orthanc pacs = orthanc();
        destination(pacs.dicomWeb(), Orthanc.PASSWORD).deliver(report("MRN-204817"));

        List<String> instances = pacs.instances();
        assertThat(instances).hasSize(2);
        Map<String, JsonNode> byNumber = new HashMap<>();
        for (String id : instances) {
            JsonNode tags = pacs.tags(id);
            byNumber.put(tags.path("InstanceNumber").asText(), tags);
            assertThat(tags.path("PatientName").asText()).isEqualTo("Ødegård^Zoë");
            assertThat(tags.path("PatientID").asText()).isEqualTo("MRN-204817");
            assertThat(tags.path("PatientBirthDate").asText()).isEqualTo("19610307");
            assertThat(tags.path("StudyInstanceUID").asText()).isEqualTo(PhotoEncoder.studyUid(REPORT));
            assertThat(tags.path("SeriesInstanceUID").asText()).isEqualTo(PhotoEncoder.seriesUid(REPORT));
            assertThat(tags.path("SOPClassUID").asText()).isEqualTo(PhotoEncoder.VL_PHOTOGRAPHIC_IMAGE);
            assertThat(tags.path("Modality").asText()).isEqualTo("XC");
        }
        Map<String, String> photoOf = Map.of("1", "photo-landscape.jpg", "2", "photo-rotated.jpg");
        Map<String, String> itemOf = Map.of("1", "p1", "2", "p2");
        assertThat(byNumber.keySet()).containsExactlyInAnyOrder("1", "2");
        for (String id : instances) {
            String number = pacs.tags(id).path("InstanceNumber").asText();
            assertThat(pacs.tags(id).path("SOPInstanceUID").asText())
                    .isEqualTo(PhotoEncoder.instanceUid(REPORT, new ItemId(itemOf.get(number))));
            byte[] jpeg = Files.readAllBytes(SharedFiles.media(photoOf.get(number)));
            byte[] stored = pacs.frame(id);
            assertThat(stored.length).isBetween(jpeg.length, jpeg.length + 1); // the pad byte of an odd length
            assertThat(Arrays.copyOf(stored, jpeg.length)).isEqualTo(jpeg);
            if (Files.isExecutable(DicomFiles.DCIODVFY)) {
                Path file = Files.write(dir.resolve(id + ".dcm"), pacs.file(id));
                assertThat(DicomFiles.dciodvfyErrors(file)).isEmpty();
            }
        }
    }

    @Test
    void a_retry_after_a_lost_answer_stores_no_second_copy() throws Exception {
        Orthanc pacs = orthanc();
        DicomDestination dicom = destination(pacs.dicomWeb(), Orthanc.PASSWORD);
        OpenedReport report = report("MRN-204817");
        dicom.deliver(report);
        List<String> first = pacs.instances();
        assertThatCode(() -> dicom.deliver(report)).doesNotThrowAnyException();
        assertThat(pacs.instances()).hasSize(2).containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    void a_wrong_password_parks_the_delivery_and_stores_nothing() throws Exception {
        Orthanc pacs = orthanc();
        assertThatThrownBy(() -> destination(pacs.dicomWeb(), "not-the-password").deliver(report("MRN-204817")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.getMessage()).contains("user and password", "HTTP 401");
                });
        assertThat(pacs.instances()).isEmpty();
    }

    @Test
    void a_stopped_pacs_is_retried_later_and_then_gets_the_photos() throws Exception {
        Orthanc pacs = orthanc();
        URI url = pacs.dicomWeb();
        pacs.close();
        OpenedReport report = report("MRN-204817");
        assertThatThrownBy(() -> destination(url, Orthanc.PASSWORD).deliver(report))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.getMessage()).contains("refused the connection");
                });
        orthanc = pacs.restart();
        destination(url, Orthanc.PASSWORD).deliver(report);
        assertThat(orthanc.instances()).hasSize(2);
    }

    @Test
    void a_report_without_a_patient_id_is_parked_and_nothing_is_sent() throws Exception {
        Orthanc pacs = orthanc();
        assertThatThrownBy(() -> destination(pacs.dicomWeb(), Orthanc.PASSWORD).deliver(report(" ")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.getMessage()).contains("no patient ID", "PACS").doesNotContain("Ødegård", "Zoë");
                });
        assertThat(pacs.instances()).isEmpty();
    }

    @Test
    void a_report_without_photos_is_delivered_with_nothing_sent() throws Exception {
        Orthanc pacs = orthanc();
        ReportMetadata sample = SampleReports.metadata(item("v1", MediaItem.MediaType.VIDEO));
        Path contents = Files.createDirectories(dir.resolve("video-only"));
        Files.copy(SharedFiles.media("clip.m4v"), contents.resolve("v1.m4v"));
        OpenedReport report = new OpenedReport(REPORT, contents, sample,
                new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org", true, null, Instant.now()),
                "plain", "ab".repeat(32), Map.of("v1.m4v", "00"), Instant.now());
        destination(pacs.dicomWeb(), Orthanc.PASSWORD).deliver(report);
        assertThat(pacs.instances()).isEmpty();
    }

    @Test
    void a_photo_that_is_not_a_baseline_jpeg_parks_the_delivery_and_nothing_is_sent() throws Exception {
        Path progressive = Files.write(dir.resolve("progressive.jpg"),
                java.util.HexFormat.of().parseHex("ffd8ffc20011080010002003012200021101031101ffd9"));
        OpenedReport report = report("MRN-204817", Map.of("p1.jpg", SharedFiles.media("photo-landscape.jpg"),
                "p2.jpg", progressive));
        assertThatThrownBy(() -> destination(URI.create("http://127.0.0.1:9/dicom-web"), "x").deliver(report))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.getMessage()).startsWith("photo p2 is a progressive JPEG");
                });
    }

    @Test
    void plain_http_to_another_machine_and_an_empty_password_file_are_refused_at_start() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "  s3cret\n");
        assertThat(DicomDestination.readPassword(password)).isEqualTo("s3cret");
        assertThat(DicomDestination.create(new DicomSettings(URI.create("https://pacs.example/dicom-web"), "u", password),
                false).name()).isEqualTo("dicom");
        assertThat(DicomDestination.create(new DicomSettings(URI.create("http://localhost:8042/dicom-web"), "u", password),
                false)).isNotNull();
        assertThatThrownBy(() -> DicomDestination.create(new DicomSettings(URI.create("http://pacs.example/dicom-web"), "u",
                password), false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://");
        assertThat(DicomDestination.create(new DicomSettings(URI.create("http://pacs.example/dicom-web"), "u", password),
                true)).isNotNull();
        assertThatThrownBy(() -> DicomDestination.create(new DicomSettings(URI.create("https://u:s3cret@pacs.example/dicom-web"),
                "u", password), false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--endpoint-dicom-url").hasMessageContaining("--endpoint-dicom-user")
                .hasMessageNotContaining("s3cret");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> DicomDestination.create(new DicomSettings(URI.create("https://pacs.example/dicom-web"),
                "u", empty), false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> DicomSettings.of(URI.create("https://pacs.example/dicom-web"), null, password))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("go together");
        assertThat(DicomSettings.of(null, null, null)).isEmpty();
        assertThat(DicomSettings.of(URI.create("https://pacs.example/dicom-web"), "u", password).orElseThrow().toString())
                .doesNotContain("s3cret");
    }
}
