package org.safelight.format.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.safelight.format.report.ReportMetadata.Patient;

class DisplayDatesTest {
    private static Patient born(String day, String month, String year) {
        return new Patient("Ada", "Lovelace", day, month, year, "", "", "");
    }

    @Test
    void a_date_names_its_month() {
        assertThat(DisplayDates.date(LocalDate.of(1948, 11, 12))).isEqualTo("12 November 1948");
    }

    @Test
    void a_date_and_time_is_in_the_given_zone_on_a_24_hour_clock() {
        Instant instant = Instant.parse("2026-11-27T13:05:00Z");
        assertThat(DisplayDates.dateTime(instant, ZoneId.of("Europe/Zurich"))).isEqualTo("27 November 2026, 14:05");
        assertThat(DisplayDates.dateTime(instant, ZoneOffset.UTC)).isEqualTo("27 November 2026, 13:05");
    }

    @Test
    void iso_text_is_shown_by_name_and_anything_else_as_written() {
        assertThat(DisplayDates.iso("2026-11-27T13:05:00Z", ZoneOffset.UTC)).isEqualTo("27 November 2026, 13:05");
        assertThat(DisplayDates.iso("2026-11-27T14:05:00+01:00", ZoneOffset.UTC)).isEqualTo("27 November 2026, 13:05");
        assertThat(DisplayDates.iso("1948-11-12", ZoneOffset.UTC)).isEqualTo("12 November 1948");
        assertThat(DisplayDates.iso("sometime", ZoneOffset.UTC)).isEqualTo("sometime");
        assertThat(DisplayDates.iso(null, ZoneOffset.UTC)).isEmpty();
    }

    @Test
    void a_birth_date_is_never_numeric() {
        assertThat(DisplayDates.dateOfBirth(born("12", "11", "1948"))).isEqualTo("12 November 1948");
        assertThat(DisplayDates.dateOfBirth(born("4", "7", "1961"))).isEqualTo("4 July 1961");
        assertThat(DisplayDates.dateOfBirth(born("31", "2", "1990"))).isEqualTo("1990-02-31");
        assertThat(DisplayDates.dateOfBirth(born("", "", ""))).isEmpty();
    }
}
