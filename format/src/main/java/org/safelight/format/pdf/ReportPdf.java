package org.safelight.format.pdf;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.safelight.format.container.NonClosingOutputStream;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.report.ReportMetadata.Patient;

/**
 * Renders report.pdf, the copy of a report that is printed and filed in a medical record: an A4
 * document with the patient, clinician, details, consent (with the signature) and a thumbnail of
 * every media item, a footer on every page naming the report, and all text as real text in
 * embedded Liberation Sans.
 *
 * <p>Report text is untrusted: characters the font cannot draw (CJK, emoji, control characters)
 * come out as {@code '?'}, overlong words are broken, and long notes continue onto further pages.
 * A thumbnail or signature that is not a readable JPEG is shown as a labelled empty frame. The
 * document information names the report, never the patient. Output is the same for the same
 * input (no clock is read). Stateless and thread-safe.
 */
public final class ReportPdf {
    private static final String CONFIDENTIAL = "Confidential patient information";

    static {
        // PDFBox reads each JPEG's size through ImageIO, whose streams cache into a temporary file by
        // default: patients' thumbnails and signatures would reach the disk (a crash leaves them there),
        // at the cost of a file per image. Memory only, for the whole process: nothing here wants a disk cache.
        ImageIO.setUseCache(false);
    }

    private ReportPdf() {
    }

    /**
     * Writes the PDF to {@code out}, which is left open (it may be a ZIP entry).
     *
     * @throws IOException if writing to {@code out} fails, or the fonts are missing from the class
     *                     path; never because of what the report says
     */
    public static void render(ReportMetadata metadata, ReportImages images, OutputStream out) throws IOException {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(out, "out");
        try (PDDocument doc = new PDDocument()) {
            Fonts fonts = Fonts.load(doc);
            String reportId = metadata.details().reportid().strip();
            Patient patient = metadata.patient();
            PageFlow flow = new PageFlow(doc, fonts, ReportSections.TITLE,
                    fonts.regular().printable(runningPatient(patient), false));

            ReportSections sections = new ReportSections(flow, fonts);
            sections.header(reportId, metadata.details().datetime());
            sections.patient(patient);
            sections.clinician(metadata.user());
            sections.details(metadata.details());
            byte[] signature = images.signatureJpeg();
            Optional<PDImageXObject> signatureImage = metadata.consent().type() == ConsentType.SIGNED
                    ? jpeg(doc, signature) : Optional.empty();
            sections.consent(metadata.consent(), signatureImage, signature != null);

            Map<ItemId, PDImageXObject> thumbnails = new HashMap<>();
            for (MediaItem item : metadata.media()) {
                jpeg(doc, images.thumbnails().get(item.id())).ifPresent(image -> thumbnails.put(item.id(), image));
            }
            new MediaGrid(flow, fonts).render(metadata.media(), thumbnails, images.thumbnails().keySet());

            String footerId = fonts.regular().printable(reportId.isEmpty() ? "ID not recorded" : reportId, false);
            flow.finish(footerId, CONFIDENTIAL);
            describe(doc, reportId, metadata.details().datetime());
            doc.save(new NonClosingOutputStream(out));
        }
    }

    /**
     * Loads PDFBox and parses the report's fonts once, into nothing: the classes loaded and the code compiled on
     * the way are the first third of a report's cost in a fresh process. A seal calls it on a spare thread while
     * its photos are read, so {@link #render} later finds them ready. Touches no report data; a failure here is
     * ignored, since {@link #render} meets (and reports) the same one.
     */
    public static void warmUp() {
        try (PDDocument doc = new PDDocument()) {
            Fonts fonts = Fonts.load(doc);
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
                for (EmbeddedFont font : List.of(fonts.regular(), fonts.bold())) {
                    String line = font.printable("Safelight report 0123456789", false);
                    text.beginText();
                    text.setFont(font.pdfont(), 10);
                    text.newLineAtOffset(50, 50 + font.width(line, 10));
                    text.showText(line);
                    text.endText();
                }
            }
            doc.save(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            // nothing was asked of it: render reports the real failure, if there is one
        }
    }

    /** The patient as the running header of later pages names them, so loose pages can be matched. */
    private static String runningPatient(Patient p) {
        String name = (p.firstname().strip() + " " + p.lastname().strip()).strip();
        String id = p.patientid().strip();
        if (name.isEmpty() && id.isEmpty()) {
            return "";
        }
        return (name.isEmpty() ? "Patient" : name) + (id.isEmpty() ? "" : "  \u00b7  ID " + id);
    }

    /** Document information is visible without opening a page, so it carries no patient data. */
    private static void describe(PDDocument doc, String reportId, String datetime) {
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle(ReportId.isValid(reportId) ? "Safelight report " + reportId : "Safelight report");
        info.setSubject(ReportSections.TITLE);
        info.setProducer("Safelight");
        info.setCreator("Safelight");
        ReportDates.calendar(datetime).ifPresent(info::setCreationDate);
        // seeds the trailer /ID, which PDFBox would otherwise derive from the clock
        doc.setDocumentId((long) (reportId + "\n" + datetime).hashCode());
        doc.getDocumentCatalog().setLanguage("en");
    }

    /** The JPEG as an image to embed, or empty when it is missing or not a JPEG PDFBox can read. */
    private static Optional<PDImageXObject> jpeg(PDDocument doc, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        try {
            PDImageXObject image = JPEGFactory.createFromByteArray(doc, bytes);
            return image.getWidth() > 0 && image.getHeight() > 0 ? Optional.of(image) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            // the bytes come from the package being rendered; a broken image must not stop the report
            return Optional.empty();
        }
    }
}
