package org.safelight.format.report;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a patient agreed a photo, video or recording may be used for. */
public enum ConsentLevel {
    TREATMENT, EDUCATION, PUBLICATION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a comma-separated list such as {@code "treatment,education"}; blanks are ignored. */
    public static Set<ConsentLevel> parseList(String list) throws MalformedReportException {
        EnumSet<ConsentLevel> levels = EnumSet.noneOf(ConsentLevel.class);
        for (String part : list.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                levels.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new MalformedReportException("unknown consent level '" + Text.clip(name)
                        + "' (expected treatment, education or publication)");
            }
        }
        return Collections.unmodifiableSet(levels);
    }

    public static String toList(Set<ConsentLevel> levels) {
        return sorted(levels).stream().map(ConsentLevel::wire).collect(Collectors.joining(","));
    }

    static Set<ConsentLevel> sorted(Set<ConsentLevel> levels) {
        EnumSet<ConsentLevel> copy = EnumSet.noneOf(ConsentLevel.class);
        if (levels != null) {
            copy.addAll(levels);
        }
        return Collections.unmodifiableSet(copy);
    }

    static String names() {
        return Arrays.stream(values()).map(ConsentLevel::wire).collect(Collectors.joining(", "));
    }
}
