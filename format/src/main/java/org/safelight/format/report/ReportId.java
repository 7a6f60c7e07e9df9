package org.safelight.format.report;

import java.time.Clock;
import java.util.regex.Pattern;

/**
 * A report's identifier. It becomes a file name ({@code {ReportID}.picsafe}), so readers accept only
 * {@code [A-Za-z0-9_-]{1,64}}. We generate 22 digits: a zero-padded 9-digit user number followed by
 * the 13-digit creation time in epoch milliseconds.
 */
public record ReportId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ReportId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid report ID");
        }
    }

    public static ReportId parse(String value) throws MalformedReportException {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new MalformedReportException("invalid report ID '" + Text.clip(value)
                    + "': expected 1 to 64 letters, digits, '_' or '-'");
        }
        return new ReportId(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    public static ReportId generate(long userNumber, Clock clock) {
        if (userNumber < 0 || userNumber > 999_999_999L) {
            throw new IllegalArgumentException("user number must have at most 9 digits");
        }
        return new ReportId(String.format("%09d%013d", userNumber, clock.millis()));
    }

    @Override
    public String toString() {
        return value;
    }
}
