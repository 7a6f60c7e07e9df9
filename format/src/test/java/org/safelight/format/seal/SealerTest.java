package org.safelight.format.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.GpsDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.testing.Drafts;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.SharedFiles;

class SealerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T03:05:00Z"), ZoneId.of("Australia/Sydney"));

    @TempDir
    Path dir;

    @Test
    void loading_a_draft_fills_in_the_report_id_the_date_and_the_media_list() throws IOException {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), CLOCK);
        // user 1146, created at the clock's instant
        assertThat(draft.metadata().details().reportid()).matches("000001146" + CLOCK.millis() + "[A-Za-z0-9]{11}");
        assertThat(draft.metadata().details().datetime()).isEqualTo("2026-11-20T14:05:00+11:00");
        assertThat(draft.metadata().media()).extracting(m -> m.id().value() + ":" + m.type().wire())
                .containsExactly("a1:audio", "p1:photo", "p2:photo", "v1:video");
        assertThat(draft.consentFile()).hasFileName("consent.jpg");
    }

    @Test
    void a_sealed_report_opens_into_every_file_of_the_format_with_photos_stripped() throws Exception {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), CLOCK);
        Path file = Sealer.seal(draft, new Protection.DynamicKey("k3y", "https://keys.example.org"), dir);
        assertThat(file).hasFileName(draft.metadata().details().reportid() + ".picsafe");

        ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, false)
                .open(file, new ReportKey.Password("k3y"), dir.resolve("opened"));
        assertThat(opened.files()).containsExactlyInAnyOrder("metadata.json", "report.pdf", "consent.jpg",
                "a1-thumbnail.jpg", "a1.m4a", "p1-thumbnail.jpg", "p1.jpg", "p2-thumbnail.jpg", "p2.jpg",
                "v1-thumbnail.jpg", "v1.m4v");
        assertThat(opened.metadata()).isEqualTo(draft.metadata());

        Path out = dir.resolve("opened");
        Metadata original = metadata(SharedFiles.media("photo-landscape.jpg"));
        assertThat(original.getFirstDirectoryOfType(GpsDirectory.class)).as("fixture has GPS").isNotNull();
        Metadata p1 = metadata(out.resolve("p1.jpg"));
        assertThat(p1.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        ExifIFD0Directory ifd0 = p1.getFirstDirectoryOfType(ExifIFD0Directory.class);
        assertThat(ifd0 == null || !ifd0.containsTag(ExifIFD0Directory.TAG_MAKE)).isTrue();
        Metadata p2 = metadata(out.resolve("p2.jpg"));
        assertThat(p2.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(p2.getFirstDirectoryOfType(ExifIFD0Directory.class).getInt(ExifIFD0Directory.TAG_ORIENTATION))
                .isEqualTo(6);
        assertThat(metadata(out.resolve("consent.jpg")).getFirstDirectoryOfType(GpsDirectory.class)).isNull();

        // media go in with their metadata boxes blanked in place (Mp4Metadata), every sample where it was
        assertThat(Files.readAllBytes(out.resolve("v1.m4v"))).isEqualTo(stripped(SharedFiles.media("clip.m4v")))
                .isNotEqualTo(Files.readAllBytes(SharedFiles.media("clip.m4v")));
        assertThat(Files.readAllBytes(out.resolve("a1.m4a"))).isEqualTo(stripped(SharedFiles.media("voice.m4a")));
        assertThat(javax.imageio.ImageIO.read(out.resolve("p2-thumbnail.jpg").toFile()).getWidth()).isEqualTo(480);

        try (PDDocument pdf = Loader.loadPDF(out.resolve("report.pdf").toFile())) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("MRN-204817", "Haddad");
            // The band wraps a report ID too wide for its column onto a second line (its 11 random
            // letters decide): the ID is looked for with the line breaks taken out.
            assertThat(text.replaceAll("\\s+", "")).contains(draft.metadata().details().reportid());
        }
    }

    @Test
    void an_independent_rncryptor_opens_the_sealed_package() throws Exception {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), CLOCK);
        Path file = Sealer.seal(draft, new Protection.DynamicKey("k3y", "https://keys.example.org"), dir.resolve("r.picsafe"));
        byte[] encrypted = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("package.encrypted")) {
                    encrypted = zip.readAllBytes();
                }
            }
        }
        byte[] packageZip = new AES256JNCryptor().decryptData(encrypted, "k3y".toCharArray());
        try (ZipInputStream inner = new ZipInputStream(new java.io.ByteArrayInputStream(packageZip))) {
            assertThat(inner.getNextEntry().getName()).isEqualTo("metadata.json");
        }
    }

    @Test
    void a_plain_report_is_the_package_zip_itself() throws IOException {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), CLOCK);
        Path file = Sealer.seal(draft, new Protection.Plain(), dir);
        assertThat(file.getFileName().toString()).endsWith(".zip");
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            assertThat(zip.getNextEntry().getName()).isEqualTo("metadata.json");
        }
    }

    @Test
    void a_draft_whose_files_and_metadata_disagree_is_refused_with_the_file_named() throws IOException {
        Path draft = Drafts.full(dir.resolve("d1"));
        Files.writeString(draft.resolve("notes.txt"), "stray");
        assertThatThrownBy(() -> Draft.load(draft, CLOCK)).isInstanceOf(MalformedReportException.class)
                .hasMessageContaining("notes.txt");

        Path unsigned = Drafts.full(dir.resolve("d2"));
        Files.delete(unsigned.resolve("consent.jpg"));
        assertThatThrownBy(() -> Draft.load(unsigned, CLOCK)).isInstanceOf(MalformedReportException.class)
                .hasMessageContaining("consent.jpg");

        Path missing = Drafts.full(dir.resolve("d3"));
        Files.delete(missing.resolve("v1.m4v"));
        MediaItem video = new MediaItem(new ItemId("v1"), MediaItem.MediaType.VIDEO, Set.of());
        Files.write(missing.resolve("metadata.json"), MetadataJson.write(SampleReports.metadata(video)));
        assertThatThrownBy(() -> Draft.load(missing, CLOCK)).isInstanceOf(MalformedReportException.class)
                .hasMessageContaining("v1.m4v");

        assertThatThrownBy(() -> Draft.load(dir.resolve("nowhere"), CLOCK)).isInstanceOf(MalformedReportException.class)
                .hasMessageContaining("metadata.json");
    }

    @Test
    void a_broken_media_file_fails_the_seal_and_leaves_no_output() throws IOException {
        Path draft = Drafts.full(dir.resolve("draft"));
        Files.writeString(draft.resolve("v1.m4v"), "not a video");
        Draft loaded = Draft.load(draft, CLOCK);
        Path out = dir.resolve("out.picsafe");
        assertThatThrownBy(() -> Sealer.seal(loaded, new Protection.Plain(), out))
                .isInstanceOf(org.safelight.format.media.MalformedMediaException.class);
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
        }
    }

    private static Metadata metadata(Path file) throws IOException {
        try {
            return ImageMetadataReader.readMetadata(file.toFile());
        } catch (com.drew.imaging.ImageProcessingException e) {
            throw new IOException(e);
        }
    }

    private static byte[] stripped(Path media) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.safelight.format.media.Mp4Metadata.strip(media, out);
        return out.toByteArray();
    }
}
