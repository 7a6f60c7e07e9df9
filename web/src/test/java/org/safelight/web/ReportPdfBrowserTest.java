package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.PDFStreamEngine;
import org.apache.pdfbox.contentstream.operator.DrawObject;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.contentstream.operator.state.Concatenate;
import org.apache.pdfbox.contentstream.operator.state.Restore;
import org.apache.pdfbox.contentstream.operator.state.Save;
import org.apache.pdfbox.contentstream.operator.state.SetMatrix;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;
import org.safelight.format.pdf.ReportImages;
import org.safelight.format.pdf.ReportPdf;
import org.safelight.format.report.Consent;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.report.ReportMetadata.Clinician;
import org.safelight.format.report.ReportMetadata.Details;
import org.safelight.format.report.ReportMetadata.Location;
import org.safelight.format.report.ReportMetadata.Patient;

/**
 * report.pdf made in Chromium by report-pdf.js (pdf-lib, fontkit, the page's own CSP) for the same
 * metadata and images as the CLI's {@link ReportPdf}: PDFBox reads both, and their text is the same
 * page for page, so the browser's PDF has every section, field, line break and page break the
 * Java one has.
 */
class ReportPdfBrowserTest extends AppPageBrowserTest {
    private static final String REPORT_ID = "0000000011462800528240";
    private static final String NOTES = "Pressure injury, left heel, category 3. Wound bed 60% granulation, 40% slough; "
            + "moderate serous exudate, no odour. Periwound skin macerated at the medial edge.\n\n"
            + "Dressing changed to hydrofibre with foam secondary; offloading boot applied. "
            + "Review by the tissue viability team within 48 hours.";
    private static final String RENDER = """
            const [metadataJson, thumbnails, signature, done] = arguments;
            const bytes = (b64) => b64 === null ? null : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            import('/app/static/report-pdf.js').then(async (m) => {
              try {
                const metadata = JSON.parse(metadataJson);
                const media = metadata.report.media.map((item) => ({itemId: item.mediaid, type: item.type,
                  thumbnail: bytes(thumbnails[item.mediaid] ?? null)}));
                const pdf = await m.renderReportPdf(metadata, media, {type: metadata.report.consent.type, image: bytes(signature)});
                let binary = '';
                for (let i = 0; i < pdf.length; i += 0x8000) binary += String.fromCharCode(...pdf.subarray(i, i + 0x8000));
                done('ok ' + btoa(binary));
              } catch (e) {
                done('threw ' + e);
              }
            }, (e) => done('import failed ' + e));
            """;

    /** Both PDFs of one report: the browser's and the CLI's. */
    private record Rendered(byte[] browser, byte[] java) {
    }

    private static Rendered render(ReportMetadata metadata, Map<ItemId, byte[]> thumbnails, byte[] signature)
            throws IOException {
        Map<String, String> encoded = new HashMap<>();
        thumbnails.forEach((id, jpeg) -> encoded.put(id.value(), Base64.getEncoder().encodeToString(jpeg)));
        String json = new String(MetadataJson.write(metadata), StandardCharsets.UTF_8);
        String result = (String) browser.asyncScript(RENDER, json, encoded,
                signature == null ? null : Base64.getEncoder().encodeToString(signature));
        assertThat(result).as(String.join("\n", browser.consoleMessages())).startsWith("ok ");
        ByteArrayOutputStream java = new ByteArrayOutputStream();
        ReportPdf.render(metadata, new ReportImages(thumbnails, signature), java);
        return new Rendered(Base64.getDecoder().decode(result.substring(3)), java.toByteArray());
    }

    @Test
    void the_browsers_pdf_has_the_same_text_as_the_clis_page_for_page() throws IOException {
        Rendered pdf = render(report(patient("Margaret", "Okonkwo-Smith"), NOTES, twoPhotos()), thumbnails(2),
                jpeg(500, 160, Color.WHITE));

        assertSameLayout(pdf, "full report");
        assertThat(placedImages(pdf.browser())).as("two thumbnails and the signature, placed as the CLI places them")
                .hasSize(3);
        List<String> pages = pageTexts(pdf.browser());
        String text = flat(String.join("\n", pages));
        assertThat(text).contains("Clinical photography report", "Patient", "Clinician", "Details", "Consent",
                "Media (2 items)", "Name Margaret Okonkwo-Smith", "Date of birth 4 July 1961", "Patient ID MRN-4471902",
                "Name Dr Priya Raman", "priya.raman@example-hospital.org", REPORT_ID,
                "Tuesday 12 March 2024, 14:05 (UTC+01:00)", "Consent type Signed consent", "Treatment Granted",
                "Publication Not granted", "Patient signature", "IMG_0001", "Consent Treatment, Education",
                "Report " + REPORT_ID, "Page 1 of " + pages.size(), flat(NOTES));
        try (PDDocument doc = Loader.loadPDF(pdf.browser())) {
            assertThat(images(doc.getPage(0)) + (pages.size() > 1 ? images(doc.getPage(1)) : 0))
                    .as("the two thumbnails and the signature").isEqualTo(3);
            var info = doc.getDocumentInformation();
            assertThat(info.getTitle()).isEqualTo("Safelight report " + REPORT_ID);
            assertThat(info.getProducer()).isEqualTo("Safelight");
            assertThat(info.getCreationDate().toInstant()).hasToString("2024-03-12T13:05:33Z");
            assertThat(String.join(" ", info.getMetadataKeys().stream().map(info::getCustomMetadataValue)
                    .map(String::valueOf).toList())).doesNotContain("Margaret", "MRN");
        }
    }

    @Test
    void every_font_is_an_embedded_subset_of_liberation_sans_and_the_same_report_gives_the_same_bytes()
            throws IOException {
        ReportMetadata metadata = report(patient("Анна", "Петрова"), NOTES, twoPhotos());
        Rendered pdf = render(metadata, thumbnails(2), null);

        assertThat(render(metadata, thumbnails(2), null).browser()).as("rendered again").isEqualTo(pdf.browser());

        try (PDDocument doc = Loader.loadPDF(pdf.browser())) {
            List<String> names = new ArrayList<>();
            for (PDPage page : doc.getPages()) {
                assertThat(page.getResources().getFontNames()).as("each face named once on a page").hasSizeBetween(1, 2);
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    assertThat(font.isEmbedded()).as(font.getName()).isTrue();
                    names.add(font.getName());
                }
            }
            assertThat(names).isNotEmpty().allMatch(n -> n.matches("[A-Z]{6}\\+LiberationSans(-Bold)?"));
        }
    }

    @Test
    void cyrillic_and_greek_names_are_extracted_exactly_and_a_script_the_font_lacks_becomes_question_marks()
            throws IOException {
        Rendered pdf = render(report(patient("Анна Νίκος", "Петрова 王小明"), "Ελλάδα, Привет", twoPhotos()),
                thumbnails(2), null);

        String text = flat(String.join("\n", pageTexts(pdf.browser())));
        assertThat(text).contains("Name Анна Νίκος Петрова ???", "Notes Ελλάδα, Привет")
                .doesNotContain("王");
        assertSameLayout(pdf, "names in three scripts");
    }

    @Test
    void thirty_thumbnails_flow_onto_several_pages_as_in_the_clis_pdf() throws IOException {
        List<MediaItem> media = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            media.add(new MediaItem(new ItemId(String.format("IMG_%04d", i)), MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT)));
        }
        Rendered pdf = render(report(patient("Margaret", "Okonkwo-Smith"), NOTES, media), thumbnails(30), null);

        List<String> pages = pageTexts(pdf.browser());
        assertThat(pages).hasSizeGreaterThan(4);
        assertSameLayout(pdf, "30 thumbnails");
        try (PDDocument browserDoc = Loader.loadPDF(pdf.browser()); PDDocument javaDoc = Loader.loadPDF(pdf.java())) {
            int total = 0;
            for (int p = 0; p < pages.size(); p++) {
                int drawn = images(browserDoc.getPage(p));
                assertThat(drawn).as("thumbnails on page " + (p + 1)).isEqualTo(images(javaDoc.getPage(p)))
                        .isEqualTo(pages.get(p).split("Item \\d+ of 30", -1).length - 1);
                total += drawn;
            }
            assertThat(total).isEqualTo(30);
        }
    }

    @Test
    void hostile_text_renders_without_throwing_and_as_the_cli_renders_it() throws IOException {
        String controls = "bell\u0007 nul\u0000 rtl\u202Eevil\u202C mark\u200F tab\there \uD800lone 😀 患者";
        StringBuilder notes = new StringBuilder(controls).append('\n');
        while (notes.length() < 10_000) {
            notes.append(notes.length() % 7 == 0 ? "\r\n" : " ").append("word").append(notes.length());
        }
        String word = "W".repeat(600);
        ReportMetadata metadata = report(new Patient(controls, word, "31", "2", "1990", "ID\u0000" + word, controls,
                "\u202E\u2066"), notes + word, twoPhotos());
        byte[] broken = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3};
        Map<ItemId, byte[]> thumbnails = Map.of(new ItemId("IMG_0001"), broken);

        Rendered pdf = render(metadata, thumbnails, broken);

        List<String> pages = pageTexts(pdf.browser());
        assertThat(pages).hasSizeGreaterThan(3);
        assertSameLayout(pdf, "hostile text");
        assertThat(flat(String.join("\n", pages))).contains("bell? nul? rtl?evil? mark? tab here ?lone ? ??",
                "Date of birth 1990-02-31", "Notes (continued)", "Preview could not be read", "No preview available",
                "Signature image could not be read");
    }

    @Test
    void dates_consents_and_empty_reports_read_as_in_the_clis_pdf() throws IOException {
        ReportMetadata base = report(patient("Margaret", "Okonkwo-Smith"), "", List.of());
        Consent disagreeing = new Consent(ConsentType.VERBAL, true, false, true, Set.of(ConsentLevel.EDUCATION,
                ConsentLevel.PUBLICATION));
        List<ReportMetadata> variants = List.of(
                base.withDetails(base.details().withDatetime("2024-02-29T23:59:59.123456789-05:30")),
                base.withDetails(base.details().withDatetime(" 2024-03-12t14:05z ")),
                base.withDetails(base.details().withDatetime("2023-02-29T10:00:00Z").withReportId("")),
                base.withDetails(base.details().withDatetime("12/03/2024 14:05").withReportId("x".repeat(90))),
                new ReportMetadata(new Patient("", "", "31", "02", "1990", "", "", ""), base.user(), base.details(),
                        disagreeing, base.media()),
                new ReportMetadata(new Patient("Zoë", "", "+4", "7", "1961", "", " ", ""), base.user(), base.details(),
                        Consent.NONE, List.of(new MediaItem(new ItemId("audio-1"), MediaType.AUDIO, Set.of()))));
        for (ReportMetadata metadata : variants) {
            Rendered pdf = render(metadata, Map.of(), jpeg(300, 100, Color.WHITE));
            assertSameLayout(pdf, metadata.details().datetime() + " " + metadata.consent());
        }
        String verbal = flat(pageTexts(render(variants.get(4), Map.of(), jpeg(300, 100, Color.WHITE)).browser()).get(0));
        assertThat(verbal).contains("Verbal consent", "Treatment Unclear: the report's consent records disagree",
                "Education Unclear", "Publication Granted", "Date of birth 1990-02-31", "Items None in this report")
                .doesNotContain("Patient signature");
    }

    private static ReportMetadata report(Patient patient, String notes, List<MediaItem> media) {
        Clinician clinician = new Clinician("u-381", "Dr", "Priya", "Raman", "priya.raman@example-hospital.org",
                "United Kingdom");
        Details details = new Details(notes, "2024-03-12T14:05:33+01:00", REPORT_ID, "email", "", "", "",
                new Location("51.52034", "-0.08817", "Ward 7B, St Example's Hospital\nLondon EC1A 7BE"),
                "web", "", "", "", "", "", "", "false");
        Consent consent = Consent.of(ConsentType.SIGNED, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION));
        return new ReportMetadata(patient, clinician, details, consent, media);
    }

    private static Patient patient(String first, String last) {
        return new Patient(first, last, "4", "7", "1961", "MRN-4471902", "Ana Ferreira (Portuguese)", "Daniel Okonkwo");
    }

    private static List<MediaItem> twoPhotos() {
        return List.of(new MediaItem(new ItemId("IMG_0001"), MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION)),
                new MediaItem(new ItemId("IMG_0002"), MediaType.VIDEO, Set.of(ConsentLevel.TREATMENT)));
    }

    private static Map<ItemId, byte[]> thumbnails(int count) {
        Map<ItemId, byte[]> thumbnails = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            thumbnails.put(new ItemId(String.format("IMG_%04d", i)),
                    i % 2 == 0 ? jpeg(270, 480, new Color(120, 150, 180)) : jpeg(480, 360, new Color(180, 120, 110)));
        }
        return thumbnails;
    }

    /** A JPEG with a gradient, so it is a real picture and not a flat block. */
    private static byte[] jpeg(int width, int height, Color tint) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, tint, width, height, tint.darker()));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static List<String> pageTexts(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            List<String> pages = new ArrayList<>();
            PDFTextStripper stripper = new PDFTextStripper();
            for (int page = 1; page <= doc.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(stripper.getText(doc));
            }
            return pages;
        }
    }

    /** A run of text on a page, where it starts. */
    private record Run(int page, float x, float y, String text) {
        boolean sameAs(Run other) {
            // Java lays out in 32-bit floats, the browser in doubles: a hundredth of a point apart at most
            return page == other.page && text.equals(other.text) && Math.abs(x - other.x) < 0.05f
                    && Math.abs(y - other.y) < 0.05f;
        }
    }

    private static List<Run> placedText(byte[] pdf) throws IOException {
        List<Run> runs = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {
            @Override
            protected void writeString(String text, List<TextPosition> positions) {
                TextPosition first = positions.get(0);
                runs.add(new Run(getCurrentPageNo(), first.getXDirAdj(), first.getYDirAdj(), text));
            }
        };
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            stripper.getText(doc);
        }
        return runs;
    }

    /** Where each image is drawn: page, then x, y, width and height in points. */
    private static List<float[]> placedImages(byte[] pdf) throws IOException {
        List<float[]> placed = new ArrayList<>();
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            int[] page = {0};
            PDFStreamEngine engine = new PDFStreamEngine() {
                {
                    addOperator(new Concatenate(this));
                    addOperator(new DrawObject(this));
                    addOperator(new Save(this));
                    addOperator(new Restore(this));
                    addOperator(new SetMatrix(this));
                }

                @Override
                protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
                    if ("Do".equals(operator.getName())
                            && getResources().getXObject((COSName) operands.get(0)) instanceof PDImageXObject) {
                        var m = getGraphicsState().getCurrentTransformationMatrix();
                        placed.add(new float[] {page[0], m.getTranslateX(), m.getTranslateY(), m.getScalingFactorX(),
                                m.getScalingFactorY()});
                    }
                    super.processOperator(operator, operands);
                }
            };
            for (PDPage p : doc.getPages()) {
                page[0]++;
                engine.processPage(p);
            }
        }
        return placed;
    }

    /** The browser's PDF has the Java one's pages and text, each run of text and each image at the same place. */
    private static void assertSameLayout(Rendered pdf, String what) throws IOException {
        assertThat(pageTexts(pdf.browser())).as(what).isEqualTo(pageTexts(pdf.java()));
        List<Run> browserRuns = placedText(pdf.browser());
        List<Run> javaRuns = placedText(pdf.java());
        assertThat(browserRuns).as(what).hasSameSizeAs(javaRuns);
        for (int i = 0; i < javaRuns.size(); i++) {
            assertThat(browserRuns.get(i).sameAs(javaRuns.get(i))).as(what + ": " + browserRuns.get(i)
                    + " where the CLI has " + javaRuns.get(i)).isTrue();
        }
        List<float[]> browserImages = placedImages(pdf.browser());
        List<float[]> javaImages = placedImages(pdf.java());
        assertThat(browserImages).as(what + ": images drawn").hasSameSizeAs(javaImages);
        for (int i = 0; i < javaImages.size(); i++) {
            assertThat(browserImages.get(i)).as(what + ": image " + (i + 1) + " (page, x, y, width, height)")
                    .containsExactly(javaImages.get(i), org.assertj.core.data.Offset.offset(0.05f));
        }
    }

    private static int images(PDPage page) throws IOException {
        int count = 0;
        for (COSName name : page.getResources().getXObjectNames()) {
            if (page.getResources().getXObject(name) instanceof PDImageXObject) {
                count++;
            }
        }
        return count;
    }

    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
