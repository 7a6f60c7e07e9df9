package org.safelight.client.fhir;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** How matching compares names and search values: the same person written the same way, nothing looser. */
final class MatchText {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern FULL_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private MatchText() {
    }

    /** Trimmed, inner spaces collapsed, accents dropped (NFD, marks removed), lower case. */
    static String fold(String name) {
        String decomposed = Normalizer.normalize(name == null ? "" : name.strip(), Normalizer.Form.NFD);
        return SPACES.matcher(MARKS.matcher(decomposed).replaceAll("")).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    static boolean sameName(String a, String b) {
        return fold(a).equals(fold(b));
    }

    /** Birth dates as the {@code YYYY-MM-DD} strings they are: a partial date never equals a full one. */
    static boolean sameDate(String a, String b) {
        return (a == null ? "" : a.strip()).equals(b == null ? "" : b.strip());
    }

    static boolean fullDate(String date) {
        return FULL_DATE.matcher(date).matches();
    }

    /**
     * A value as a FHIR search parameter carries it: {@code \ , | $} escaped (FHIR search §3.1.1.6), so a
     * name with a comma is not read as two alternatives, nor an ID with a bar as system and value.
     */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '|' || c == '$') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
