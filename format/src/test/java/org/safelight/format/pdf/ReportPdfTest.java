package org.safelight.format.pdf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.safelight.format.pdf.ReportPdfFixtures.FIRST;
import static org.safelight.format.pdf.ReportPdfFixtures.REPORT_ID;
import static org.safelight.format.pdf.ReportPdfFixtures.flat;
import static org.safelight.format.pdf.ReportPdfFixtures.fullReport;
import static org.safelight.format.pdf.ReportPdfFixtures.images;
import static org.safelight.format.pdf.ReportPdfFixtures.notes;
import static org.safelight.format.pdf.ReportPdfFixtures.pageTexts;
import static org.safelight.format.pdf.ReportPdfFixtures.render;
import static org.safelight.format.pdf.ReportPdfFixtures.text;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;
import org.safelight.format.report.Consent;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.ReportMetadata;

class ReportPdfTest {

    @Test
    void a_full_report_shows_every_field_as_searchable_text() {
        String text = flat(text(render(fullReport(notes()), images())));

        assertThat(text).contains("Margaret Okonkwo-Smith", "4 July 1961", "MRN-4471902",
                "Guardian Daniel Okonkwo", "Translator Ana Ferreira (Portuguese)",
                "Dr Priya Raman", "priya.raman@example-hospital.org", "United Kingdom",
                REPORT_ID, "Tuesday 12 March 2024, 14:05 (UTC+01:00)",
                "Ward 7B, St Example's Hospital London EC1A 7BE", "51.52034, -0.08817",
                "Signed consent", "Treatment Granted", "Education Granted", "Publication Not granted",
                "IMG_0001", "IMG_0002", "Consent Treatment, Education", "Consent Treatment");
        assertThat(text).contains(flat(notes()));
    }

    @Test
    void patient_lines_without_a_value_are_left_out_but_name_and_id_are_always_there() {
        ReportMetadata bare = fullReport("").withMedia(List.of());
        bare = new ReportMetadata(new ReportMetadata.Patient("", "", "", "", "", "", "", ""), bare.user(),
                bare.details(), bare.consent(), bare.media());

        String text = flat(text(render(bare, ReportImages.none())));

        assertThat(text).contains("Name Not recorded", "Patient ID Not recorded", "Items None in this report")
                .doesNotContain("Guardian", "Translator", "Date of birth", "Notes");
    }

    @Test
    void every_font_on_every_page_is_embedded() throws IOException {
        try (PDDocument doc = Loader.loadPDF(render(fullReport(notes()), images()))) {
            List<PDFont> fonts = new ArrayList<>();
            for (PDPage page : doc.getPages()) {
                PDResources resources = page.getResources();
                for (COSName name : resources.getFontNames()) {
                    fonts.add(resources.getFont(name));
                }
            }
            assertThat(fonts).isNotEmpty().allSatisfy(font -> assertThat(font.isEmbedded()).isTrue());
        }
    }

    @Test
    void each_thumbnail_and_the_signature_is_embedded_as_an_image() throws IOException {
        assertThat(imageCount(render(fullReport(notes()), images()))).isEqualTo(3);
    }

    @Test
    void a_signature_is_not_shown_when_consent_was_verbal() throws IOException {
        ReportMetadata verbal = new ReportMetadata(ReportPdfFixtures.patient(), ReportPdfFixtures.clinician(),
                ReportPdfFixtures.details(notes()), Consent.of(ConsentType.VERBAL, Set.of(ConsentLevel.TREATMENT)),
                fullReport("").media());

        byte[] pdf = render(verbal, images());

        assertThat(imageCount(pdf)).isEqualTo(2);
        assertThat(flat(text(pdf))).contains("Verbal consent").doesNotContain("Patient signature");
    }

    @Test
    void a_broken_thumbnail_or_signature_becomes_a_labelled_frame_instead_of_an_error() throws IOException {
        byte[] notJpeg = "<html>not an image</html>".getBytes(StandardCharsets.UTF_8);
        ReportImages broken = new ReportImages(Map.of(FIRST, notJpeg), notJpeg);

        byte[] pdf = render(fullReport(notes()), broken);

        assertThat(imageCount(pdf)).isZero();
        assertThat(flat(text(pdf))).contains("Preview could not be read", "No preview available",
                "Signature image could not be read");
    }

    @Test
    void levels_whose_list_and_flag_disagree_are_shown_as_unclear_not_granted() {
        Consent disagreeing = new Consent(ConsentType.VERBAL, true, false, false, Set.of(ConsentLevel.EDUCATION));
        ReportMetadata report = new ReportMetadata(ReportPdfFixtures.patient(), ReportPdfFixtures.clinician(),
                ReportPdfFixtures.details(""), disagreeing, List.of());

        String text = flat(text(render(report, ReportImages.none())));

        assertThat(text).contains("Treatment Unclear", "Education Unclear", "Publication Not granted")
                .doesNotContain("Granted");
    }

    @Test
    void long_notes_continue_onto_further_pages_and_every_word_is_extractable() {
        StringBuilder notes = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            notes.append(i % 97 == 96 ? "\n\n" : " ").append("word").append(i);
        }

        List<String> pages = pageTexts(render(fullReport(notes.toString()), images()));

        assertThat(pages).hasSizeGreaterThan(2);
        Set<String> extracted = Arrays.stream(flat(String.join(" ", pages)).split(" "))
                .filter(w -> w.startsWith("word")).collect(Collectors.toSet());
        assertThat(extracted).hasSize(5000)
                .containsAll(IntStream.range(0, 5000).mapToObj(i -> "word" + i).toList());
        assertThat(pages.get(1)).contains("Notes (continued)", "Margaret Okonkwo-Smith");
    }

    @Test
    void every_page_has_a_footer_with_the_report_id_its_number_and_the_confidentiality_line() {
        List<String> pages = pageTexts(render(fullReport(notes()), images()));

        assertThat(pages).hasSizeGreaterThan(1);
        for (int i = 0; i < pages.size(); i++) {
            assertThat(pages.get(i)).contains("Report " + REPORT_ID, "Page " + (i + 1) + " of " + pages.size(),
                    "Confidential patient information");
        }
    }

    @Test
    void hostile_text_renders_with_what_the_font_lacks_replaced_and_nothing_dropped() {
        String word = "x".repeat(500);
        String hostile = "患者 <script>alert(1)</script> 😀 tab\there bell\u0007 rtl\u202Eevil " + word;
        ReportMetadata report = new ReportMetadata(
                new ReportMetadata.Patient(hostile, "Zoë", "31", "2", "1990", "ID\u0000" + word, hostile, "\uD800lone"),
                ReportPdfFixtures.clinician(), ReportPdfFixtures.details(hostile + "\r\n" + hostile)
                        .withDatetime("yesterday, about noon"),
                Consent.NONE, fullReport("").media());

        byte[] pdf = render(report, images());
        String text = flat(text(pdf));

        assertThat(text).contains("?? <script>alert(1)</script> ? tab here bell? rtl?evil", "Zoë", "?lone",
                "Date of birth 1990-02-31", "yesterday, about noon", "No consent recorded");
        assertThat(text.replace(" ", "")).contains("ID?" + word);
    }

    @Test
    void a_word_wider_than_the_page_is_broken_inside_the_page() throws IOException {
        String word = "W".repeat(500);
        byte[] pdf = render(fullReport(word), ReportImages.none());

        List<String> lines = text(pdf).lines().filter(l -> l.contains("WWWW")).toList();
        assertThat(lines).hasSizeGreaterThan(5);
        assertThat(String.join("", lines).replaceAll("[^W]", "")).hasSize(500);
    }

    @Test
    void document_info_names_the_report_but_not_the_patient() throws IOException {
        try (PDDocument doc = Loader.loadPDF(render(fullReport(notes()), images()))) {
            var info = doc.getDocumentInformation();
            assertThat(info.getTitle()).isEqualTo("Safelight report " + REPORT_ID)
                    .doesNotContain("Margaret").doesNotContain("Okonkwo");
            assertThat(info.getProducer()).isEqualTo("Safelight");
            assertThat(info.getCreationDate().toInstant()).hasToString("2024-03-12T13:05:33Z");
            for (String key : info.getMetadataKeys()) {
                assertThat(String.valueOf(info.getCustomMetadataValue(key))).doesNotContain("Okonkwo", "MRN");
            }
        }
    }

    @Test
    void the_same_report_renders_to_the_same_bytes() {
        byte[] first = render(fullReport(notes()), images());
        byte[] second = render(fullReport(notes()), images());

        assertThat(Arrays.equals(first, second)).as("both renderings are byte for byte equal").isTrue();
    }

    @Test
    void the_callers_stream_is_left_open() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FilterOutputStream out = new FilterOutputStream(bytes) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        ReportPdf.render(fullReport(notes()), images(), out);

        assertThat(closed[0]).isFalse();
        assertThat(bytes.toByteArray()).startsWith("%PDF-".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void media_cards_are_never_split_so_each_page_has_as_many_thumbnails_as_captions() throws IOException {
        List<MediaItem> media = new ArrayList<>();
        Map<ItemId, byte[]> thumbs = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            ItemId id = new ItemId("IMG_" + i);
            media.add(new MediaItem(id, MediaType.PHOTO, Set.of()));
            thumbs.put(id, ReportPdfFixtures.jpeg(480, 320, Color.GRAY));
        }

        byte[] pdf = render(fullReport(notes()).withMedia(media), new ReportImages(thumbs, null));

        List<String> pages = pageTexts(pdf);
        List<Integer> images = imagesPerPage(pdf);
        assertThat(pages).hasSizeGreaterThan(2);
        int captions = 0;
        for (int p = 0; p < pages.size(); p++) {
            int onPage = (int) Pattern.compile("Item \\d of 9").matcher(pages.get(p)).results().count();
            assertThat(images.get(p)).as("images on page %d", p + 1).isEqualTo(onPage);
            captions += onPage;
        }
        assertThat(captions).isEqualTo(9);
    }

    private static int imageCount(byte[] pdf) throws IOException {
        return imagesPerPage(pdf).stream().mapToInt(Integer::intValue).sum();
    }

    private static List<Integer> imagesPerPage(byte[] pdf) throws IOException {
        List<Integer> counts = new ArrayList<>();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            for (PDPage page : doc.getPages()) {
                int count = 0;
                PDResources resources = page.getResources();
                for (COSName name : resources.getXObjectNames()) {
                    if (resources.getXObject(name) instanceof PDImageXObject) {
                        count++;
                    }
                }
                counts.add(count);
            }
        }
        return counts;
    }
}
