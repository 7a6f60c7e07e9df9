package org.safelight.format.report;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.safelight.format.report.ReportMetadata.Patient;

/**
 * The one date style for people reading Safelight's output: the month by name, never a numeric
 * day and month ({@code 12/11/1948} reads as November to one reader and December to another).
 * A date is {@code 12 November 1948}; a date and time is {@code 27 November 2026, 14:05} (24 h).
 * The patterns are those of the report PDF. Thread-safe; all methods are pure.
 */
public final class DisplayDates {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMMM uuuu, HH:mm", Locale.ENGLISH);

    private DisplayDates() {
    }

    /** "12 November 1948". */
    public static String date(LocalDate date) {
        return DATE.format(date);
    }

    /** "27 November 2026, 14:05" for the instant as seen in {@code zone}. */
    public static String dateTime(Instant instant, ZoneId zone) {
        return DATE_TIME.format(instant.atZone(zone));
    }

    /** "27 November 2026, 14:05" in the system's time zone (the CLI's choice). */
    public static String dateTime(Instant instant) {
        return dateTime(instant, ZoneId.systemDefault());
    }

    /**
     * An ISO-8601 instant or date-time with offset (as the servers and reports write them) shown in
     * {@code zone}; a plain ISO date ({@code 1948-11-12}) shown as a date; anything else exactly as
     * written, so that nothing is lost when a value does not parse.
     */
    public static String iso(String text, ZoneId zone) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String value = text.strip();
        try {
            return dateTime(OffsetDateTime.parse(value).toInstant(), zone);
        } catch (DateTimeException notDateTime) {
            try {
                return date(LocalDate.parse(value));
            } catch (DateTimeException notDate) {
                return text;
            }
        }
    }

    /** {@link #iso(String, ZoneId)} in the system's time zone. */
    public static String iso(String text) {
        return iso(text, ZoneId.systemDefault());
    }

    /**
     * The patient's date of birth from its day, month and year: "4 July 1961". Parts that do not
     * make a real date are shown as written, year first ({@link Patient#dateOfBirth()}), which no
     * reader takes for another day; empty when no part is given.
     */
    public static String dateOfBirth(Patient patient) {
        try {
            return date(LocalDate.of(Integer.parseInt(patient.year().strip()),
                    Integer.parseInt(patient.month().strip()), Integer.parseInt(patient.day().strip())));
        } catch (NumberFormatException | DateTimeException e) {
            return patient.dateOfBirth();
        }
    }
}
