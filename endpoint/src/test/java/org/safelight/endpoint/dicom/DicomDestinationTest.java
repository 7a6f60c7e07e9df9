package org.safelight.endpoint.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import org.safelight.format.media.Photos;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.Bytes;
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
            // the fixtures carry a little metadata (a JFIF thumbnail field, an EXIF block), which is left out
            byte[] jpeg = PhonePhotos.stripped(Files.readAllBytes(SharedFiles.media(photoOf.get(number))));
            assertThat(pacs.frame(id)).isEqualTo(padded(jpeg));
            if (Files.isExecutable(DicomFiles.DCIODVFY)) {
                Path file = Files.write(dir.resolve(id + ".dcm"), pacs.file(id));
                assertThat(DicomFiles.dciodvfyErrors(file)).isEmpty();
            }
        }
    }

    @Test
    void a_photo_with_a_location_a_maker_note_xmp_iptc_and_a_thumbnail_reaches_the_pacs_without_any_of_them()
            throws Exception {
        byte[] thumbnail = DicomFiles.greyJpeg(16, 12);
        byte[] upright = PhonePhotos.dirty(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg")), 1, thumbnail);
        byte[] sideways = PhonePhotos.dirty(Files.readAllBytes(SharedFiles.media("photo-rotated.jpg")), 6, thumbnail);
        assertThat(Photos.orientation(sideways)).as("the test photo's EXIF is readable").isEqualTo(6);
        assertThat(PhonePhotos.secrets(thumbnail)).allSatisfy(secret -> assertThat(Bytes.contains(upright, secret)).isTrue());
        Orthanc pacs = orthanc();

        destination(pacs.dicomWeb(), Orthanc.PASSWORD).deliver(report("MRN-204817", Map.of(
                "p1.jpg", Files.write(dir.resolve("upright.jpg"), upright),
                "p2.jpg", Files.write(dir.resolve("sideways.jpg"), sideways))));

        List<String> instances = pacs.instances();
        assertThat(instances).hasSize(2);
        for (String id : instances) {
            boolean first = pacs.tags(id).path("InstanceNumber").asText().equals("1");
            byte[] stored = pacs.frame(id);
            assertThat(stored).isEqualTo(padded(PhonePhotos.stripped(first ? upright : sideways)));
            byte[] file = pacs.file(id);
            assertThat(PhonePhotos.secrets(thumbnail)).allSatisfy(secret -> {
                assertThat(Bytes.contains(stored, secret)).isFalse();
                assertThat(Bytes.contains(file, secret)).isFalse();
            });
            List<Integer> markers = DicomFiles.markersBeforeScan(stored);
            assertThat(markers).as("no APP13 (IPTC), no APP1 but a rebuilt orientation").doesNotContain(0xED);
            assertThat(markers.stream().filter(m -> m == 0xE1).count()).isEqualTo(first ? 0 : 1);
            // the sideways photo keeps its orientation, and nothing else of its EXIF, as our sealing does
            assertThat(Photos.orientation(stored)).isEqualTo(first ? 1 : 6);
            if (Files.isExecutable(DicomFiles.DCIODVFY)) {
                assertThat(DicomFiles.dciodvfyErrors(Files.write(dir.resolve(id + ".dcm"), file))).isEmpty();
            }
        }
        assertNoCopiesLeft();
    }

    @Test
    void a_photo_that_is_already_clean_is_stored_byte_for_byte_as_it_came() throws Exception {
        byte[] landscape = PhonePhotos.stripped(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg")));
        byte[] rotated = PhonePhotos.stripped(Files.readAllBytes(SharedFiles.media("photo-rotated.jpg")));
        Orthanc pacs = orthanc();

        destination(pacs.dicomWeb(), Orthanc.PASSWORD).deliver(report("MRN-204817", Map.of(
                "p1.jpg", Files.write(dir.resolve("landscape.jpg"), landscape),
                "p2.jpg", Files.write(dir.resolve("rotated.jpg"), rotated))));

        for (String id : pacs.instances()) {
            byte[] sent = pacs.tags(id).path("InstanceNumber").asText().equals("1") ? landscape : rotated;
            assertThat(pacs.frame(id)).isEqualTo(padded(sent));
        }
        assertThat(pacs.instances()).hasSize(2);
    }

    @Test
    void a_truncated_damaged_or_non_jpeg_photo_parks_the_delivery_with_its_reason_and_the_pacs_stores_nothing()
            throws Exception {
        byte[] landscape = Files.readAllBytes(SharedFiles.media("photo-landscape.jpg"));
        byte[] damaged = landscape.clone();
        damaged[2] = 0x12; // where the first segment's marker should be
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("photo p2 is truncated: the JPEG data ends too early", Arrays.copyOf(landscape, landscape.length / 2));
        cases.put("photo p2 is damaged: expected a JPEG marker between segments", damaged);
        cases.put("photo p2 is not a JPEG image (no start-of-image marker)", "%PDF-1.7".getBytes(StandardCharsets.US_ASCII));
        Orthanc pacs = orthanc();
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            OpenedReport report = report("MRN-204817", Map.of("p1.jpg", SharedFiles.media("photo-landscape.jpg"),
                    "p2.jpg", Files.write(dir.resolve("bad.jpg"), c.getValue())));
            assertThatThrownBy(() -> destination(pacs.dicomWeb(), Orthanc.PASSWORD).deliver(report))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.permanent()).isTrue();
                        assertThat(e.getMessage()).isEqualTo(c.getKey());
                    });
            assertThat(pacs.instances()).as("not even the good photo p1").isEmpty();
            assertNoCopiesLeft();
        }
    }

    /** The JPEG as a PACS gives back its one fragment: with the pad byte that makes an odd length even. */
    private static byte[] padded(byte[] jpeg) {
        return Arrays.copyOf(jpeg, jpeg.length + jpeg.length % 2);
    }

    /** The stripped copies are made beside the report's decrypted folder and must be gone after a delivery. */
    private void assertNoCopiesLeft() throws Exception {
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("dicom-"));
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
                java.util.HexFormat.of().parseHex("ffd8ffc20011080010002003012200021101031101"
                        + "ffda000801010000003f0000ffd9"));
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
