package org.safelight.client.fhir;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** A report's {@code details.datetime} as FHIR dates: left out when it is not a date we can read. */
final class FhirDates {

    private FhirDates() {
    }

    /** A FHIR dateTime: the full time with its offset, or the date alone when only that is readable. */
    static Optional<String> dateTime(String value) {
        Optional<OffsetDateTime> full = full(value);
        if (full.isPresent()) {
            return full.map(FhirDates::format);
        }
        try {
            return Optional.of(LocalDate.parse(value.strip()).toString());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A FHIR instant (R4 DocumentReference.date): only a full time with its offset. */
    static Optional<String> instant(String value) {
        return full(value).map(FhirDates::format);
    }

    private static Optional<OffsetDateTime> full(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(v));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(ZonedDateTime.parse(v).toOffsetDateTime());
            } catch (DateTimeParseException again) {
                return Optional.empty();
            }
        }
    }

    private static String format(OffsetDateTime time) {
        return time.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
