package org.safelight.endpoint.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.Bytes;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.SharedFiles;

/** The encoder's files, checked by Debian's validators (dicom3tools' dciodvfy, dcmtk's dcmdump) and read back byte for byte. */
class PhotoEncoderTest {
    private static final String REPORT = SampleReports.REPORT_ID;
    private static final ReportMetadata METADATA = SampleReports.metadata(SampleReports.photo("p1"));

    @TempDir
    Path dir;

    private Path encodeToFile(Path jpeg, String item) throws Exception {
        EncodedPhoto photo = PhotoEncoder.encode(METADATA, REPORT, new ItemId(item), 1, jpeg,
                dir.resolve(item + "-clean.jpg"));
        Path file = dir.resolve(item + ".dcm");
        try (var out = Files.newOutputStream(file)) {
            photo.writeTo(out);
        }
        assertThat(Files.size(file)).isEqualTo(photo.length());
        return file;
    }

    private Path jpeg(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"photo-landscape.jpg", "photo-rotated.jpg", "signature.jpg"})
    void each_fixture_photo_becomes_a_vl_photographic_image_in_which_dciodvfy_finds_no_error(String name) throws Exception {
        Orthanc.assumeInstalled(DicomFiles.DCIODVFY);
        Path file = encodeToFile(SharedFiles.media(name), "p1");
        assertThat(DicomFiles.run(DicomFiles.DCIODVFY, file)).contains("VLPhotographicImage");
        assertThat(DicomFiles.dciodvfyErrors(file)).isEmpty();
        // The one warning left: Laterality is empty (type 2C), as the report does not say which side.
        assertThat(DicomFiles.dciodvfyWarnings(file)).allSatisfy(w -> assertThat(w).contains("Laterality"));
    }

    @Test
    void dcmdump_reads_the_meta_header_patient_study_and_image_attributes() throws Exception {
        Orthanc.assumeInstalled(DicomFiles.DCMDUMP);
        String dump = DicomFiles.run(DicomFiles.DCMDUMP, encodeToFile(SharedFiles.media("photo-landscape.jpg"), "p1"));
        assertThat(dump).contains(
                "(0002,0002) UI =VLPhotographicImageStorage",
                "(0002,0010) UI =JPEGBaseline",
                "(0008,0005) CS [ISO_IR 192]",
                "(0008,0008) CS [ORIGINAL\\PRIMARY]",
                "(0008,0016) UI =VLPhotographicImageStorage",
                "(0008,0018) UI [" + PhotoEncoder.instanceUid(REPORT, new ItemId("p1")) + "]",
                "(0008,0020) DA [20261120]",
                "(0008,0030) TM [140500]",
                "(0008,0060) CS [XC]",
                "(0008,0070) LO [Safelight]",
                "(0008,0201) SH [+1100]",
                "(0008,1030) LO [Safelight report " + REPORT + "]",
                "(0008,1070) PN [Haddad^Noor]",
                "(0010,0010) PN [Quill^Ada]",
                "(0010,0020) LO [MRN-204817]",
                "(0010,0030) DA [19610307]",
                "(0020,000d) UI [" + PhotoEncoder.studyUid(REPORT) + "]",
                "(0020,000e) UI [" + PhotoEncoder.seriesUid(REPORT) + "]",
                "(0020,0010) SH [" + REPORT.substring(REPORT.length() - 16) + "]",
                "(0020,0013) IS [1]",
                "(0028,0002) US 3",
                "(0028,0004) CS [YBR_FULL_422]",
                "(0028,0006) US 0",
                "(0028,0010) US 1200",
                "(0028,0011) US 1600",
                "(0028,0100) US 8",
                "(0028,2110) CS [01]",
                "(0028,2114) CS [ISO_10918_1]",
                "(0040,0555) SQ (Sequence with explicit length #=0)",
                "(7fe0,0010) OB (PixelSequence #=2)");
        assertThat(dump).doesNotContain("E:", "W: ");
    }

    @Test
    void the_pixel_data_is_an_empty_offset_table_and_one_fragment_holding_the_jpeg_as_it_is() throws Exception {
        for (byte[] jpeg : List.of(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg")),
                DicomFiles.withComment(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg"))))) {
            EncodedPhoto photo = PhotoEncoder.encapsulate(METADATA, REPORT, new ItemId("p1"), 1, jpeg("in.jpg", jpeg));
            List<byte[]> fragments = DicomFiles.fragments(bytes(photo));
            assertThat(fragments).hasSize(2);
            assertThat(fragments.get(0)).isEmpty();
            byte[] fragment = fragments.get(1);
            assertThat(fragment.length % 2).isZero();
            assertThat(Arrays.copyOf(fragment, jpeg.length)).isEqualTo(jpeg);
            assertThat(fragment.length).isEqualTo(jpeg.length + jpeg.length % 2);
            if (fragment.length > jpeg.length) {
                assertThat(fragment[jpeg.length]).isZero(); // the one pad byte of an odd-length JPEG
            }
        }
    }

    @Test
    void the_file_holds_the_photo_as_our_sealing_strips_it_and_a_damaged_photo_leaves_no_copy() throws Exception {
        byte[] thumbnail = DicomFiles.greyJpeg(16, 12);
        byte[] dirty = PhonePhotos.dirty(Files.readAllBytes(SharedFiles.media("photo-rotated.jpg")), 6, thumbnail);
        Path clean = dir.resolve("clean.jpg");
        EncodedPhoto photo = PhotoEncoder.encode(METADATA, REPORT, new ItemId("p1"), 1, jpeg("dirty.jpg", dirty), clean);
        byte[] stripped = PhonePhotos.stripped(dirty);
        assertThat(Files.readAllBytes(clean)).isEqualTo(stripped);
        assertThat(photo.jpeg()).isEqualTo(clean);
        assertThat(DicomFiles.fragments(bytes(photo)).get(1))
                .isEqualTo(Arrays.copyOf(stripped, stripped.length + stripped.length % 2));
        byte[] file = bytes(photo);
        assertThat(PhonePhotos.secrets(thumbnail)).noneMatch(secret -> Bytes.contains(file, secret));

        Path cut = jpeg("cut.jpg", Arrays.copyOf(dirty, dirty.length - 100));
        Path cutCopy = dir.resolve("cut-clean.jpg");
        assertThatThrownBy(() -> PhotoEncoder.encode(METADATA, REPORT, new ItemId("p2"), 2, cut, cutCopy))
                .isInstanceOf(UnsuitablePhotoException.class)
                .hasMessage("is truncated: the JPEG data ends too early");
        assertThat(cutCopy).doesNotExist();
    }

    @Test
    void a_grey_jpeg_is_monochrome2_with_one_sample_and_valid() throws Exception {
        Path file = encodeToFile(jpeg("grey.jpg", DicomFiles.greyJpeg(64, 48)), "g1");
        Orthanc.assumeInstalled(DicomFiles.DCIODVFY, DicomFiles.DCMDUMP);
        assertThat(DicomFiles.dciodvfyErrors(file)).isEmpty();
        String dump = DicomFiles.run(DicomFiles.DCMDUMP, file);
        assertThat(dump).contains("(0028,0002) US 1", "(0028,0004) CS [MONOCHROME2]", "(0028,0010) US 48",
                "(0028,0011) US 64").doesNotContain("(0028,0006)");
    }

    @Test
    void the_colour_space_comes_from_the_jpeg_markers() throws Exception {
        // Headers only: SOI, an optional APP segment, then SOF0 of 3 components of 2x1 (Y) and 1x1 sampling.
        String sof0 = "ffc0 0011 08 0010 0020 03 01 21 00 02 11 01 03 11 01";
        assertThat(JpegFrame.read(jpeg("ycc.jpg", hex("ffd8 ffe0 0010 4a46494600 0101 00 0001 0001 0000" + sof0)))
                .photometric()).isEqualTo("YBR_FULL_422");
        assertThat(JpegFrame.read(jpeg("adobe-rgb.jpg", hex("ffd8 ffee 000e 41646f6265 0064 0000 0000 00" + sof0))))
                .isEqualTo(new JpegFrame(16, 32, 3, 8, "RGB"));
        assertThat(JpegFrame.read(jpeg("adobe-ycc.jpg", hex("ffd8 ffee 000e 41646f6265 0064 0000 0000 01" + sof0)))
                .photometric()).isEqualTo("YBR_FULL_422");
    }

    @Test
    void progressive_lossless_and_non_jpeg_files_are_refused_with_a_reason() throws Exception {
        assertThatThrownBy(() -> PhotoEncoder.encode(METADATA, REPORT, new ItemId("p1"), 1,
                jpeg("progressive.jpg", hex("ffd8 ffc2 0011 08 0010 0020 03 01 22 00 02 11 01 03 11 01 ffda 0008 01 01 00 00 3f 00"
                        + " 00 ffd9")), dir.resolve("progressive-clean.jpg")))
                .isInstanceOf(UnsuitablePhotoException.class).hasMessageContaining("progressive")
                .hasMessageContaining("baseline");
        assertThat(dir.resolve("progressive-clean.jpg")).as("no stripped copy left behind").doesNotExist();
        assertThatThrownBy(() -> JpegFrame.read(jpeg("lossless.jpg", hex("ffd8 ffc3 000b 08 0010 0020 01 01 11 00"))))
                .isInstanceOf(UnsuitablePhotoException.class).hasMessageContaining("lossless");
        assertThatThrownBy(() -> JpegFrame.read(jpeg("twelve.jpg", hex("ffd8 ffc0 000b 0c 0010 0020 01 01 11 00"))))
                .isInstanceOf(UnsuitablePhotoException.class).hasMessageContaining("12-bit");
        assertThatThrownBy(() -> JpegFrame.read(jpeg("png.jpg", hex("89504e470d0a1a0a"))))
                .isInstanceOf(UnsuitablePhotoException.class).hasMessageContaining("not a JPEG");
        assertThatThrownBy(() -> JpegFrame.read(jpeg("cut.jpg", hex("ffd8 ffe0 0010 4a46"))))
                .isInstanceOf(UnsuitablePhotoException.class).hasMessageContaining("ends before");
    }

    @Test
    void uids_are_2_25_from_the_report_and_item_so_a_retry_makes_the_same_instance() throws Exception {
        Path jpeg = SharedFiles.media("signature.jpg");
        EncodedPhoto once = PhotoEncoder.encode(METADATA, REPORT, new ItemId("p1"), 1, jpeg, dir.resolve("once.jpg"));
        EncodedPhoto again = PhotoEncoder.encode(METADATA, REPORT, new ItemId("p1"), 1, jpeg, dir.resolve("again.jpg"));
        assertThat(again.sopInstanceUid()).isEqualTo(once.sopInstanceUid());
        assertThat(bytes(again)).isEqualTo(bytes(once));
        List<String> uids = List.of(PhotoEncoder.studyUid(REPORT), PhotoEncoder.seriesUid(REPORT),
                PhotoEncoder.instanceUid(REPORT, new ItemId("p1")), PhotoEncoder.instanceUid(REPORT, new ItemId("p2")),
                PhotoEncoder.studyUid("another-report"), PhotoEncoder.IMPLEMENTATION_CLASS_UID);
        assertThat(uids).doesNotHaveDuplicates().allSatisfy(uid -> {
            assertThat(uid).matches("2\\.25\\.[1-9][0-9]*");
            assertThat(uid.length()).isLessThanOrEqualTo(64);
        });
    }

    @Test
    void names_lose_the_characters_dicom_uses_as_delimiters_and_a_birth_date_must_be_whole() {
        assertThat(PhotoEncoder.personName("Quill^Smith", "Ada = Jo\\")).isEqualTo("Quill Smith^Ada Jo");
        assertThat(PhotoEncoder.personName("Ødegård", "")).isEqualTo("Ødegård");
        assertThat(PhotoEncoder.personName("", "")).isEmpty();
        assertThat(PhotoEncoder.personName("x".repeat(70), "Ada")).hasSize(64);
        assertThat(PhotoEncoder.birthDate(new ReportMetadata.Patient("", "", "29", "2", "2024", "", "", "")))
                .isEqualTo("20240229");
        assertThat(PhotoEncoder.birthDate(new ReportMetadata.Patient("", "", "", "2", "2024", "", "", ""))).isEmpty();
        assertThat(PhotoEncoder.birthDate(new ReportMetadata.Patient("", "", "30", "2", "2024", "", "", ""))).isEmpty();
    }

    @Test
    void a_report_without_a_usable_patient_id_is_refused_without_naming_the_patient() {
        for (String id : List.of("", "  ", "MRN\\1", "x".repeat(65))) {
            ReportMetadata m = new ReportMetadata(new ReportMetadata.Patient("Ada", "Quill", "7", "3", "1961", id, "", ""),
                    METADATA.user(), METADATA.details(), METADATA.consent(), METADATA.media());
            assertThatThrownBy(() -> PhotoEncoder.encode(m, REPORT, new ItemId("p1"), 1, SharedFiles.media("signature.jpg"),
                    dir.resolve("clean.jpg")))
                    .isInstanceOf(UnsuitablePhotoException.class).hasMessageContaining("patient ID")
                    .hasMessageNotContaining("Quill");
        }
    }

    private static byte[] bytes(EncodedPhoto photo) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        photo.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void a_birth_date_is_a_da_only_for_a_year_of_four_digits() {
        for (String year : List.of("0", "999", "-1961", "12345", "99999")) {
            assertThat(PhotoEncoder.birthDate(new ReportMetadata.Patient("", "", "7", "3", year, "", "", "")))
                    .as(year).isEmpty();
        }
        assertThat(PhotoEncoder.birthDate(new ReportMetadata.Patient("", "", "7", "3", "1000", "", "", "")))
                .isEqualTo("10000307");
        assertThat(PhotoEncoder.birthDate(new ReportMetadata.Patient("", "", "31", "12", "9999", "", "", "")))
                .isEqualTo("99991231");
    }

    @Test
    void control_characters_a_vr_does_not_allow_become_spaces() {
        String text = "a\tb\u0000c\r\nd\fe\u001bf\u007fg\u0085h";
        assertThat(DicomOutput.clean("LT", text)).isEqualTo("a b c\r\nd\fe\u001bf g h");
        assertThat(DicomOutput.clean("ST", text)).isEqualTo("a b c\r\nd\fe\u001bf g h");
        for (String vr : List.of("LO", "PN", "SH")) {
            assertThat(DicomOutput.clean(vr, text)).as(vr).isEqualTo("a b c  d e f g h");
        }
        assertThat(DicomOutput.clean("LO", "Ødegård^Ada")).isEqualTo("Ødegård^Ada");
    }

    @Test
    void notes_with_a_tab_and_a_nul_are_written_with_spaces_and_dciodvfy_finds_no_error() throws Exception {
        ReportMetadata m = new ReportMetadata(METADATA.patient(), METADATA.user(),
                new ReportMetadata.Details("Left\tforearm\u0000 laceration\r\nsutured", "2026-11-20T14:05:00+11:00",
                        REPORT, "email", "", "", "", METADATA.details().location(), "", "", "", "", "", "", "", "false"),
                METADATA.consent(), METADATA.media());
        EncodedPhoto photo = PhotoEncoder.encode(m, REPORT, new ItemId("p1"), 1, SharedFiles.media("signature.jpg"),
                dir.resolve("clean.jpg"));
        Path file = dir.resolve("notes.dcm");
        try (var out = Files.newOutputStream(file)) {
            photo.writeTo(out);
        }
        String head = new String(photo.head(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(head).contains("Left forearm  laceration\r\nsutured");
        Orthanc.assumeInstalled(DicomFiles.DCIODVFY);
        assertThat(DicomFiles.dciodvfyErrors(file)).isEmpty();
    }
}
