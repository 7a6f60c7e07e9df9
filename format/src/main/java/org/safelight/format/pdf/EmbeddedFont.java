package org.safelight.format.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * A TrueType font embedded (as a subset) in one document, with the two questions layout asks of
 * it: can this code point be drawn, and how wide is it. Report text is untrusted, so every string
 * goes through {@link #printable} before it is measured or drawn. Not thread-safe (it caches).
 */
final class EmbeddedFont {
    static final char REPLACEMENT = '?';
    private static final float NO_GLYPH = -1f;
    private static final int SOFT_HYPHEN = 0x00AD;

    private final PDType0Font font;
    /** Advance width in 1/1000 em per code point, or {@link #NO_GLYPH}. */
    private final Map<Integer, Float> widths = new HashMap<>();

    private EmbeddedFont(PDType0Font font) {
        this.font = font;
    }

    /** Loads a font shipped on the class path, e.g. {@code /liberation/LiberationSans-Regular.ttf}. */
    static EmbeddedFont load(PDDocument doc, String resource) throws IOException {
        try (InputStream in = EmbeddedFont.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("font " + resource + " is not on the class path");
            }
            return new EmbeddedFont(PDType0Font.load(doc, in, true));
        }
    }

    PDType0Font pdfont() {
        return font;
    }

    /**
     * The text as this font can draw it: line breaks become {@code '\n'} (or a space when
     * {@code keepLineBreaks} is false), other white space a plain space, and control characters
     * and code points the font has no glyph for {@code '?'}.
     */
    String printable(String text, boolean keepLineBreaks) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\r' && i < text.length() && text.charAt(i) == '\n') {
                continue; // the '\n' that follows stands for both
            }
            if (isLineBreak(cp)) {
                out.append(keepLineBreaks ? '\n' : ' ');
            } else if (Character.isWhitespace(cp)) {
                out.append(' ');
            } else if (cp == SOFT_HYPHEN) {
                continue; // invisible by definition; we never hyphenate
            } else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || rawWidth(cp) == NO_GLYPH) {
                // FORMAT covers bidi overrides, which could make extracted text read differently
                out.append(REPLACEMENT);
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /** Width in points of printable text at the given size. */
    float width(String printable, float size) {
        float total = 0;
        for (int i = 0; i < printable.length(); ) {
            int cp = printable.codePointAt(i);
            i += Character.charCount(cp);
            total += Math.max(0, rawWidth(cp));
        }
        return total * size / 1000f;
    }

    /** Width in points of one printable code point. */
    float width(int codePoint, float size) {
        return Math.max(0, rawWidth(codePoint)) * size / 1000f;
    }

    private float rawWidth(int cp) {
        return widths.computeIfAbsent(cp, this::measure);
    }

    private float measure(int cp) {
        if (Character.isSurrogate((char) cp) && Character.isBmpCodePoint(cp)) {
            return NO_GLYPH; // a lone surrogate: broken UTF-16, not a character
        }
        try {
            // encoding fails for a code point the font's cmap does not map to a real glyph
            return font.getStringWidth(new String(Character.toChars(cp)));
        } catch (IllegalArgumentException | IOException e) {
            return NO_GLYPH;
        }
    }

    private static boolean isLineBreak(int cp) {
        return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    }
}
