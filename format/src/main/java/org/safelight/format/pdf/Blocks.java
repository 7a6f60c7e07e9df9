package org.safelight.format.pdf;

import java.io.IOException;
import java.util.List;

/**
 * The report's building blocks on a {@link PageFlow}: section headings and label/value rows. A
 * row is kept on one page when it fits on one; a longer one (notes) continues line by line, and
 * its label is repeated on the new page so a loose page still says what it shows.
 */
final class Blocks {
    static final float BODY = 10;
    static final float LABEL = 8.5f;
    static final float LEADING = 14.5f;
    static final float LABEL_WIDTH = 118;
    static final float VALUE_X = PageFlow.LEFT + LABEL_WIDTH;
    static final float VALUE_WIDTH = PageFlow.RIGHT - VALUE_X;
    private static final float ROW_GAP = 3;
    private static final int KEEP_WHOLE = 6;
    private static final float HEADING = 11.5f;
    private static final float HEADING_HEIGHT = 38;
    private static final String NOT_RECORDED = "Not recorded";

    private final PageFlow flow;
    private final Fonts fonts;

    Blocks(PageFlow flow, Fonts fonts) {
        this.flow = flow;
        this.fonts = fonts;
    }

    /** A section title with a rule under it, kept on the same page as {@code keepWithNext} points. */
    void heading(String title, float keepWithNext) throws IOException {
        flow.ensure(HEADING_HEIGHT + keepWithNext);
        flow.down(14);
        float baseline = PageFlow.baseline(flow.y(), 16, HEADING);
        flow.text(fonts.bold(), HEADING, Rgb.ACCENT, PageFlow.LEFT, baseline, title);
        flow.line(PageFlow.LEFT, flow.y() - 18, PageFlow.RIGHT, flow.y() - 18, 0.6f, Rgb.RULE);
        flow.down(HEADING_HEIGHT - 14);
    }

    /** Room a heading needs so that its first row comes with it. */
    static float firstRow() {
        return LEADING + ROW_GAP;
    }

    /** A row shown only when the value has some text. */
    void optional(String label, String value) throws IOException {
        optional(label, value, false);
    }

    void optional(String label, String value, boolean multiline) throws IOException {
        if (!value.isBlank()) {
            row(label, value, multiline, fonts.regular(), Rgb.INK);
        }
    }

    /** A row always shown, saying so when the value is missing rather than leaving a gap. */
    void required(String label, String value, boolean emphasised) throws IOException {
        if (value.isBlank()) {
            row(label, NOT_RECORDED, false, fonts.regular(), Rgb.MUTED);
        } else {
            row(label, value, false, emphasised ? fonts.bold() : fonts.regular(), Rgb.INK);
        }
    }

    private void row(String label, String rawValue, boolean multiline, EmbeddedFont font, Rgb color)
            throws IOException {
        List<String> lines = LineBreaker.wrap(font.printable(rawValue, multiline), font, BODY, VALUE_WIDTH);
        // short values stay whole; long ones (notes) may break, but not after a lone first line
        flow.ensure((lines.size() <= KEEP_WHOLE ? lines.size() : 2) * LEADING);
        for (int i = 0; i < lines.size(); i++) {
            boolean newPage = flow.ensure(LEADING);
            float baseline = PageFlow.baseline(flow.y(), LEADING, BODY);
            if (i == 0 || newPage) {
                flow.text(fonts.regular(), LABEL, Rgb.MUTED, PageFlow.LEFT, baseline,
                        i == 0 ? label : label + " (continued)");
            }
            flow.text(font, BODY, color, VALUE_X, baseline, lines.get(i));
            flow.down(LEADING);
        }
        flow.down(ROW_GAP);
    }

    /** A row whose value is a check box and a word, e.g. a consent level. */
    void checkRow(String label, boolean ticked, String value) throws IOException {
        flow.ensure(LEADING);
        float baseline = PageFlow.baseline(flow.y(), LEADING, BODY);
        float side = 9;
        flow.text(fonts.regular(), LABEL, Rgb.MUTED, PageFlow.LEFT, baseline, label);
        flow.checkbox(VALUE_X, flow.y() - LEADING / 2 - side / 2, side, ticked);
        flow.text(fonts.regular(), BODY, ticked ? Rgb.INK : Rgb.MUTED, VALUE_X + side + 6, baseline, value);
        flow.down(LEADING + ROW_GAP);
    }
}
