package org.safelight.format.pdf;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import org.safelight.format.report.DisplayDates;
import org.safelight.format.report.ReportMetadata.Patient;

/**
 * Dates as a reader of a printed record expects them: day, month name, year, so that 03/04 is
 * never ambiguous. A value that does not parse is shown exactly as written.
 */
final class ReportDates {
    private static final DateTimeFormatter LONG = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu, HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("d MMM uuuu, HH:mm", Locale.ENGLISH);

    private ReportDates() {
    }

    /** The report's ISO-8601 date and time with offset, if that is what it holds. */
    static Optional<OffsetDateTime> parse(String iso) {
        try {
            return Optional.of(OffsetDateTime.parse(iso.strip()));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** "Tuesday 12 March 2024, 14:05 (UTC+01:00)", or the raw text. */
    static String longForm(String iso) {
        return parse(iso).map(t -> LONG.format(t) + " (" + offset(t.getOffset()) + ")").orElse(iso);
    }

    /** "12 Mar 2024, 14:05 UTC+01:00", or the raw text. */
    static String shortForm(String iso) {
        return parse(iso).map(t -> SHORT.format(t) + " " + offset(t.getOffset())).orElse(iso);
    }

    static Optional<Calendar> calendar(String iso) {
        return parse(iso).map(t -> {
            GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone(t.getOffset()), Locale.ROOT);
            calendar.setTimeInMillis(t.toInstant().toEpochMilli());
            return calendar;
        });
    }

    /** "4 July 1961" from the patient's day, month and year: one style with the CLI and the web. */
    static String dateOfBirth(Patient patient) {
        return DisplayDates.dateOfBirth(patient);
    }

    private static String offset(ZoneOffset offset) {
        return offset.equals(ZoneOffset.UTC) ? "UTC" : "UTC" + offset.getId();
    }
}
