package org.safelight.format.pdf;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks printable text into lines that fit a width. Words break at spaces; a word wider than the
 * whole line is cut between characters, so hostile input (a 500-character "word") still fits.
 * Paragraphs ({@code '\n'}) are kept; runs of blank lines collapse to one.
 */
final class LineBreaker {
    private static final String ELLIPSIS = "…";

    private LineBreaker() {
    }

    /** The lines of {@code printable}; at least one (possibly empty) line. */
    static List<String> wrap(String printable, EmbeddedFont font, float size, float width) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : printable.split("\n", -1)) {
            if (paragraph.isBlank()) {
                if (!lines.isEmpty() && !lines.get(lines.size() - 1).isEmpty()) {
                    lines.add("");
                }
                continue;
            }
            wrapParagraph(paragraph, font, size, width, lines);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            lines.add("");
        }
        return lines;
    }

    private static void wrapParagraph(String paragraph, EmbeddedFont font, float size, float width, List<String> lines) {
        float space = font.width(' ', size);
        StringBuilder line = new StringBuilder();
        float lineWidth = 0;
        for (String word : paragraph.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            float wordWidth = font.width(word, size);
            if (line.length() > 0 && lineWidth + space + wordWidth <= width) {
                line.append(' ').append(word);
                lineWidth += space + wordWidth;
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
                lineWidth = 0;
            }
            if (wordWidth <= width) {
                line.append(word);
                lineWidth = wordWidth;
                continue;
            }
            // too wide for any line: cut it, and let its last piece start the next line
            for (int i = 0; i < word.length(); ) {
                int cp = word.codePointAt(i);
                i += Character.charCount(cp);
                float w = font.width(cp, size);
                if (line.length() > 0 && lineWidth + w > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                    lineWidth = 0;
                }
                line.appendCodePoint(cp);
                lineWidth += w;
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
    }

    /** The text on one line, cut with an ellipsis if it is wider than {@code width}. */
    static String clip(String printable, EmbeddedFont font, float size, float width) {
        String oneLine = printable.replace('\n', ' ');
        if (font.width(oneLine, size) <= width) {
            return oneLine;
        }
        float budget = width - font.width(ELLIPSIS, size);
        StringBuilder out = new StringBuilder();
        float used = 0;
        for (int i = 0; i < oneLine.length(); ) {
            int cp = oneLine.codePointAt(i);
            i += Character.charCount(cp);
            float w = font.width(cp, size);
            if (used + w > budget) {
                break;
            }
            out.appendCodePoint(cp);
            used += w;
        }
        return out.toString().stripTrailing() + ELLIPSIS;
    }
}
