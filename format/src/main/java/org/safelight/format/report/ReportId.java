package org.safelight.format.report;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * A report's identifier. It becomes a file name ({@code {ReportID}.picsafe}), so readers accept only
 * {@code [A-Za-z0-9_-]{1,64}}. We generate 33 letters and digits: a zero-padded 9-digit user number,
 * the 13-digit creation time in epoch milliseconds, then 11 letters and digits from a CSPRNG (about
 * 65 bits), so that knowing the sender and the time does not tell anyone a report's ID.
 */
public record ReportId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // 33 characters in all: what fits on one line of the report PDF.
    private static final int RANDOM_CHARACTERS = 11;
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /** A new report ID: the sender's number and the time (for people to sort by), then a random part. */
    public static ReportId generate(long userNumber, Clock clock) {
        if (userNumber < 0 || userNumber > 999_999_999L) {
            throw new IllegalArgumentException("user number must have at most 9 digits");
        }
        return new ReportId(String.format("%09d%013d", userNumber, clock.millis())
                + randomAlphanumerics(RANDOM_CHARACTERS));
    }

    /** {@code n} letters and digits (A-Z a-z 0-9) from a CSPRNG: about 5.95 bits each. */
    public static String randomAlphanumerics(int n) {
        StringBuilder text = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
