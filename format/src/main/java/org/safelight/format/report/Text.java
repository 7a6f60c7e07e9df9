package org.safelight.format.report;

import java.util.Arrays;
import java.util.stream.Collectors;

final class Text {
    private Text() {
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static String twoDigits(String s) {
        return s.length() == 1 ? "0" + s : s;
    }

    static String joinNonEmpty(String sep, String... parts) {
        return Arrays.stream(parts).filter(p -> p != null && !p.isBlank()).collect(Collectors.joining(sep));
    }

    /** A value quoted in an error message: short, printable, so no document content leaks far. */
    static String clip(String s) {
        if (s == null) {
            return "null";
        }
        String printable = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
