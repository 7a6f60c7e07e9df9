package org.safelight.keys;

import java.util.regex.Pattern;

/**
 * A report's ID as readers accept it (DESIGN §2): 1 to 64 of {@code A-Z a-z 0-9 _ -}, because it
 * also becomes a file name.
 */
public record ReportId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** @throws IllegalArgumentException when {@code value} is not a valid report ID */
    public ReportId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("a report ID is 1 to 64 of A-Z, a-z, 0-9, '_' and '-'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
