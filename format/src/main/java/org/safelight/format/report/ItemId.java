package org.safelight.format.report;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A media item's identifier, used as a file name inside package.zip. Same alphabet as a report ID;
 * names that would collide with the package's own files ({@code consent}, {@code *-thumbnail}) are
 * refused.
 */
public record ItemId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ItemId {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    public static ItemId parse(String value) throws MalformedReportException {
        String problem = problem(value);
        if (problem != null) {
            throw new MalformedReportException(problem);
        }
        return new ItemId(value);
    }

    private static String problem(String value) {
        if (value == null || !VALID.matcher(value).matches()) {
            return "invalid media item ID '" + Text.clip(value) + "': expected 1 to 64 letters, digits, '_' or '-'";
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("consent") || lower.equals("metadata") || lower.equals("report") || lower.endsWith("-thumbnail")) {
            return "media item ID '" + value + "' collides with a file name the report uses itself";
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
