package org.safelight.server.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text put into server-rendered HTML pages. */
public final class Html {
    /** The product's one date style (the clients' {@code DisplayDates}), in UTC, which a server page names. */
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM uuuu, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    /** {@code s} as HTML text or a quoted attribute value: the five significant characters escaped. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An instant as a server page shows it: "27 November 2026, 14:05 UTC". */
    public static String when(Instant instant) {
        return WHEN.format(instant);
    }
}
