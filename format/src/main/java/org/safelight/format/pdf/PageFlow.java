package org.safelight.format.pdf;

import java.io.IOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDPageContentStream.AppendMode;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * A4 pages filled top to bottom. Callers ask for room ({@link #ensure}) before drawing something
 * that must not be cut, and the flow starts a new page when there is not enough. Continuation
 * pages carry a running header naming the patient, since printed pages get separated; every page
 * gets a footer once the page count is known ({@link #finish}). Coordinates are PDF points with
 * the origin at the bottom left; {@link #y()} is the top of the free space.
 */
final class PageFlow {
    static final PDRectangle SIZE = PDRectangle.A4;
    static final float LEFT = 50;
    static final float RIGHT = SIZE.getWidth() - 50;
    static final float WIDTH = RIGHT - LEFT;
    private static final float TOP = SIZE.getHeight() - 40;
    private static final float BOTTOM = 62;
    private static final float FOOTER_BASELINE = 34;
    private static final float SMALL = 8;

    private final PDDocument doc;
    private final Fonts fonts;
    private final String runningTitle;
    private final String runningPatient;
    private PDPageContentStream content;
    private float y;

    /** Starts the first page, with the whole page free so a header band can bleed to its edges. */
    PageFlow(PDDocument doc, Fonts fonts, String runningTitle, String runningPatient) throws IOException {
        this.doc = doc;
        this.fonts = fonts;
        this.runningTitle = runningTitle;
        this.runningPatient = runningPatient;
        openPage();
        y = SIZE.getHeight();
    }

    float y() {
        return y;
    }

    void moveTo(float newY) {
        y = newY;
    }

    void down(float distance) {
        y -= distance;
    }

    /** Height of the body of a continuation page: nothing taller can be kept together. */
    static float pageCapacity() {
        return TOP - 26 - BOTTOM;
    }

    /** Makes room for {@code height} points, starting a new page if needed; true if it did. */
    boolean ensure(float height) throws IOException {
        if (y - height >= BOTTOM) {
            return false;
        }
        newPage();
        return true;
    }

    void newPage() throws IOException {
        content.close();
        openPage();
        drawRunningHeader();
    }

    private void openPage() throws IOException {
        PDPage page = new PDPage(SIZE);
        doc.addPage(page);
        content = new PDPageContentStream(doc, page);
    }

    private void drawRunningHeader() throws IOException {
        float baseline = TOP - SMALL;
        text(fonts.bold(), SMALL, Rgb.ACCENT, LEFT, baseline, runningTitle);
        float titleWidth = fonts.bold().width(runningTitle, SMALL);
        String patient = LineBreaker.clip(runningPatient, fonts.regular(), SMALL, WIDTH - titleWidth - 24);
        textRight(fonts.regular(), SMALL, Rgb.MUTED, RIGHT, baseline, patient);
        line(LEFT, TOP - 14, RIGHT, TOP - 14, 0.5f, Rgb.RULE);
        y = TOP - 26;
    }

    /** The vertical centre of a text line box puts the baseline here (caps centred in the box). */
    static float baseline(float top, float leading, float size) {
        return top - leading / 2 - 0.36f * size;
    }

    void text(EmbeddedFont font, float size, Rgb color, float x, float baseline, String printable) throws IOException {
        if (printable.isEmpty()) {
            return;
        }
        content.beginText();
        content.setFont(font.pdfont(), size);
        content.setNonStrokingColor(color.r(), color.g(), color.b());
        content.newLineAtOffset(x, baseline);
        content.showText(printable);
        content.endText();
    }

    void textRight(EmbeddedFont font, float size, Rgb color, float right, float baseline, String printable)
            throws IOException {
        text(font, size, color, right - font.width(printable, size), baseline, printable);
    }

    void textCentred(EmbeddedFont font, float size, Rgb color, float centre, float baseline, String printable)
            throws IOException {
        text(font, size, color, centre - font.width(printable, size) / 2, baseline, printable);
    }

    void fill(Rgb color, float x, float bottom, float width, float height) throws IOException {
        content.setNonStrokingColor(color.r(), color.g(), color.b());
        content.addRect(x, bottom, width, height);
        content.fill();
    }

    void frame(Rgb color, float lineWidth, float x, float bottom, float width, float height) throws IOException {
        content.setStrokingColor(color.r(), color.g(), color.b());
        content.setLineWidth(lineWidth);
        content.addRect(x, bottom, width, height);
        content.stroke();
    }

    void line(float x1, float y1, float x2, float y2, float lineWidth, Rgb color) throws IOException {
        content.setStrokingColor(color.r(), color.g(), color.b());
        content.setLineWidth(lineWidth);
        content.moveTo(x1, y1);
        content.lineTo(x2, y2);
        content.stroke();
    }

    /** A check box with its bottom-left corner at (x, bottom), ticked or empty. */
    void checkbox(float x, float bottom, float side, boolean ticked) throws IOException {
        frame(ticked ? Rgb.GRANTED : Rgb.MUTED, 0.8f, x, bottom, side, side);
        if (!ticked) {
            return;
        }
        content.setStrokingColor(Rgb.GRANTED.r(), Rgb.GRANTED.g(), Rgb.GRANTED.b());
        content.setLineWidth(1.4f);
        content.setLineCapStyle(1);
        content.setLineJoinStyle(1);
        content.moveTo(x + side * 0.2f, bottom + side * 0.52f);
        content.lineTo(x + side * 0.42f, bottom + side * 0.28f);
        content.lineTo(x + side * 0.82f, bottom + side * 0.76f);
        content.stroke();
        content.setLineCapStyle(0);
        content.setLineJoinStyle(0);
    }

    /** Draws the image as large as fits in the box, keeping its proportions, centred. */
    void imageFitted(PDImageXObject image, float x, float bottom, float width, float height) throws IOException {
        float scale = Math.min(width / image.getWidth(), height / image.getHeight());
        float w = image.getWidth() * scale;
        float h = image.getHeight() * scale;
        content.drawImage(image, x + (width - w) / 2, bottom + (height - h) / 2, w, h);
    }

    /** Closes the last page and writes every page's footer: report ID, page N of M, confidentiality. */
    void finish(String reportId, String confidentiality) throws IOException {
        content.close();
        int count = doc.getNumberOfPages();
        int number = 0;
        for (PDPage page : doc.getPages()) {
            number++;
            content = new PDPageContentStream(doc, page, AppendMode.APPEND, true, true);
            drawFooter(reportId, confidentiality, "Page " + number + " of " + count);
            content.close();
        }
    }

    private void drawFooter(String reportId, String confidentiality, String pageText) throws IOException {
        EmbeddedFont font = fonts.regular();
        line(LEFT, FOOTER_BASELINE + 14, RIGHT, FOOTER_BASELINE + 14, 0.5f, Rgb.RULE);
        float centre = SIZE.getWidth() / 2;
        float middleHalf = font.width(confidentiality, SMALL) / 2;
        textCentred(font, SMALL, Rgb.MUTED, centre, FOOTER_BASELINE, confidentiality);
        textRight(font, SMALL, Rgb.MUTED, RIGHT, FOOTER_BASELINE, pageText);
        String id = LineBreaker.clip("Report " + reportId, font, SMALL, centre - middleHalf - LEFT - 12);
        text(font, SMALL, Rgb.MUTED, LEFT, FOOTER_BASELINE, id);
    }
}
