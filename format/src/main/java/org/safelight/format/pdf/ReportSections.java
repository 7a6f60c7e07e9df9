package org.safelight.format.pdf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.safelight.format.report.Consent;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ReportMetadata.Clinician;
import org.safelight.format.report.ReportMetadata.Details;
import org.safelight.format.report.ReportMetadata.Location;
import org.safelight.format.report.ReportMetadata.Patient;

/** The header band and the text sections of the report: patient, clinician, details, consent. */
final class ReportSections {
    static final String TITLE = "Clinical photography report";
    private static final float BAND_PADDING = 24;
    private static final float BAND_RIGHT_WIDTH = 200;
    private static final float SIGNATURE_WIDTH = 190;
    private static final float SIGNATURE_HEIGHT = 64;

    private final PageFlow flow;
    private final Fonts fonts;
    private final Blocks blocks;

    ReportSections(PageFlow flow, Fonts fonts) {
        this.flow = flow;
        this.fonts = fonts;
        this.blocks = new Blocks(flow, fonts);
    }

    /**
     * The band across the top of the first page: title on the left, report ID and date on the right.
     * Both values wrap inside their column, so the band grows rather than overflows.
     */
    void header(String reportId, String datetime) throws IOException {
        float top = PageFlow.SIZE.getHeight();
        float contentTop = top - BAND_PADDING;
        EmbeddedFont bold = fonts.bold();
        EmbeddedFont regular = fonts.regular();

        float titleBaseline = contentTop - 18;
        float subtitleBaseline = titleBaseline - 18;
        float leftBottom = subtitleBaseline - 4;

        List<String> idLines = LineBreaker.wrap(orNotRecorded(bold.printable(shortened(reportId), false)), bold, 10, BAND_RIGHT_WIDTH);
        List<String> dateLines = LineBreaker.wrap(orNotRecorded(regular.printable(shortened(ReportDates.shortForm(datetime)), false)),
                regular, 10, BAND_RIGHT_WIDTH);
        float rightHeight = 2 * (9 + 2) + (idLines.size() + dateLines.size()) * 12.5f + 6;
        float bandBottom = Math.min(leftBottom, contentTop - rightHeight) - BAND_PADDING + 4;

        flow.fill(Rgb.ACCENT, 0, bandBottom, PageFlow.SIZE.getWidth(), top - bandBottom);
        flow.text(bold, 19, Rgb.ON_ACCENT, PageFlow.LEFT, titleBaseline, TITLE);
        flow.text(regular, 9.5f, Rgb.ON_ACCENT_MUTED, PageFlow.LEFT, subtitleBaseline, "Safelight  \u00b7  medical record copy");

        float y = contentTop;
        y = bandField(y, "REPORT ID", idLines, bold);
        bandField(y - 6, "DATE AND TIME", dateLines, regular);
        flow.moveTo(bandBottom - 6);
    }

    private float bandField(float top, String label, List<String> lines, EmbeddedFont font) throws IOException {
        float y = top - 9;
        flow.textRight(fonts.regular(), 7, Rgb.ON_ACCENT_MUTED, PageFlow.RIGHT, y + 2, label);
        y -= 2;
        for (String line : lines) {
            y -= 12.5f;
            flow.textRight(font, 10, Rgb.ON_ACCENT, PageFlow.RIGHT, y + 2.5f, line);
        }
        return y;
    }

    void patient(Patient p) throws IOException {
        blocks.heading("Patient", Blocks.firstRow());
        blocks.required("Name", join(p.firstname(), p.lastname()), true);
        String birth = ReportDates.dateOfBirth(p);
        blocks.optional("Date of birth", birth);
        blocks.required("Patient ID", p.patientid(), true);
        blocks.optional("Guardian", p.guardian());
        blocks.optional("Translator", p.translator());
    }

    void clinician(Clinician c) throws IOException {
        blocks.heading("Clinician", Blocks.firstRow());
        blocks.required("Name", c.displayName(), false);
        blocks.optional("Email", c.email());
        blocks.optional("Country", c.country());
    }

    void details(Details d) throws IOException {
        blocks.heading("Details", Blocks.firstRow());
        blocks.required("Date and time", ReportDates.longForm(d.datetime()), false);
        Location l = d.location();
        blocks.optional("Location", l.address(), true);
        if (!l.latitude().isBlank() && !l.longitude().isBlank()) {
            blocks.optional("Coordinates", l.latitude().strip() + ", " + l.longitude().strip());
        } else {
            blocks.optional("Latitude", l.latitude());
            blocks.optional("Longitude", l.longitude());
        }
        blocks.optional("Notes", d.notes(), true);
    }

    /**
     * Consent type, each level ticked or not, and the signature. The format states each level twice
     * (the list and a flag); a level counts as granted only when both say so, and a disagreement is
     * shown rather than resolved silently.
     */
    void consent(Consent c, Optional<PDImageXObject> signature, boolean signatureGiven) throws IOException {
        blocks.heading("Consent", Blocks.firstRow() * 4);
        blocks.required("Consent type", switch (c.type()) {
            case SIGNED -> "Signed consent";
            case VERBAL -> "Verbal consent";
            case NONE -> "No consent recorded";
        }, false);
        level(c, ConsentLevel.TREATMENT, c.treatment(), "Treatment");
        level(c, ConsentLevel.EDUCATION, c.education(), "Education");
        level(c, ConsentLevel.PUBLICATION, c.publication(), "Publication");
        if (c.type() != Consent.ConsentType.SIGNED) {
            return;
        }
        if (signature.isPresent()) {
            signatureBox(signature.get());
        } else {
            blocks.required("Signature", signatureGiven ? "Signature image could not be read"
                    : "Signature image not included", false);
        }
    }

    private void level(Consent c, ConsentLevel level, boolean flagged, String label) throws IOException {
        boolean listed = c.levels().contains(level);
        if (listed == flagged) {
            blocks.checkRow(label, listed, listed ? "Granted" : "Not granted");
        } else {
            blocks.checkRow(label, false, "Unclear: the report's consent records disagree");
        }
    }

    private void signatureBox(PDImageXObject image) throws IOException {
        float height = SIGNATURE_HEIGHT + 16;
        flow.ensure(height + 6);
        float top = flow.y() - 4;
        float baseline = PageFlow.baseline(top + 4, Blocks.LEADING, Blocks.BODY);
        flow.text(fonts.regular(), Blocks.LABEL, Rgb.MUTED, PageFlow.LEFT, baseline, "Patient signature");
        float bottom = top - SIGNATURE_HEIGHT;
        flow.imageFitted(image, Blocks.VALUE_X + 6, bottom + 6, SIGNATURE_WIDTH - 12, SIGNATURE_HEIGHT - 12);
        flow.frame(Rgb.RULE, 0.6f, Blocks.VALUE_X, bottom, SIGNATURE_WIDTH, SIGNATURE_HEIGHT);
        flow.moveTo(bottom - 12);
    }

    /**
     * Header values longer than any valid one (a report ID has at most 64 characters) are cut, so
     * the band stays a band; the Details section shows the date in full.
     */
    static String shortened(String text) {
        int max = 64;
        return text.codePointCount(0, text.length()) <= max ? text
                : text.substring(0, text.offsetByCodePoints(0, max)) + "…";
    }

    private static String orNotRecorded(String printable) {
        return printable.isBlank() ? "Not recorded" : printable;
    }

    private static String join(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) {
            if (!part.isBlank()) {
                present.add(part.strip());
            }
        }
        return String.join(" ", present);
    }
}
