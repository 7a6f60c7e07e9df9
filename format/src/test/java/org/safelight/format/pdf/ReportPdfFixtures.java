package org.safelight.format.pdf;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.safelight.format.report.Consent;
import org.safelight.format.report.Consent.ConsentType;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.report.ReportMetadata.Clinician;
import org.safelight.format.report.ReportMetadata.Details;
import org.safelight.format.report.ReportMetadata.Location;
import org.safelight.format.report.ReportMetadata.Patient;

/** Reports and images for the report.pdf tests. */
final class ReportPdfFixtures {
    static final String REPORT_ID = "0000000011462800528240";
    static final ItemId FIRST = new ItemId("IMG_0001");
    static final ItemId SECOND = new ItemId("IMG_0002");

    private ReportPdfFixtures() {
    }

    static Patient patient() {
        return new Patient("Margaret", "Okonkwo-Smith", "4", "7", "1961", "MRN-4471902",
                "Ana Ferreira (Portuguese)", "Daniel Okonkwo");
    }

    static Clinician clinician() {
        return new Clinician("u-381", "Dr", "Priya", "Raman", "priya.raman@example-hospital.org", "United Kingdom");
    }

    static Details details(String notes) {
        return new Details(notes, "2024-03-12T14:05:33+01:00", REPORT_ID, "email", "records@example-hospital.org",
                "", "", new Location("51.52034", "-0.08817", "Ward 7B, St Example's Hospital\nLondon EC1A 7BE"),
                "ios", "arm64", "Apple", "iPhone15,2", "17.3", "c0ffee", "2.4.1", "false");
    }

    static String notes() {
        return "Pressure injury, left heel, category 3. Wound bed 60% granulation, 40% slough; moderate "
                + "serous exudate, no odour. Periwound skin macerated at the medial edge.\n\n"
                + "Dressing changed to hydrofibre with foam secondary; offloading boot applied. "
                + "Review by the tissue viability team within 48 hours.";
    }

    static ReportMetadata fullReport(String notes) {
        Consent consent = Consent.of(ConsentType.SIGNED, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION));
        List<MediaItem> media = List.of(
                new MediaItem(FIRST, MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT, ConsentLevel.EDUCATION)),
                new MediaItem(SECOND, MediaType.PHOTO, Set.of(ConsentLevel.TREATMENT)));
        return new ReportMetadata(patient(), clinician(), details(notes), consent, media);
    }

    static ReportImages images() {
        Map<ItemId, byte[]> thumbnails = new LinkedHashMap<>();
        thumbnails.put(FIRST, jpeg(480, 360, new Color(180, 120, 110)));
        thumbnails.put(SECOND, jpeg(270, 480, new Color(120, 150, 180)));
        return new ReportImages(thumbnails, jpeg(500, 160, Color.WHITE));
    }

    /** A JPEG with a gradient, so it is a real image and not a flat block. */
    static byte[] jpeg(int width, int height, Color tint) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, tint, width, height, tint.darker()));
            g.fillRect(0, 0, width, height);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] render(ReportMetadata metadata, ReportImages images) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ReportPdf.render(metadata, images, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String text(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of each page, in order. */
    static List<String> pageTexts(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            List<String> pages = new ArrayList<>();
            PDFTextStripper stripper = new PDFTextStripper();
            for (int page = 1; page <= doc.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(stripper.getText(doc));
            }
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text with every run of white space made one space, so assertions ignore line breaks. */
    static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
