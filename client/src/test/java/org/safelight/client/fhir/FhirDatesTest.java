package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FhirDatesTest {

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "2026-11-20T14:05:00+11:00; 2026-11-20T14:05:00+11:00; 2026-11-20T14:05:00+11:00",
            "2026-11-20T03:05:09.123Z; 2026-11-20T03:05:09Z; 2026-11-20T03:05:09Z",
            "2026-11-20T14:05+01:00[Europe/Paris]; 2026-11-20T14:05:00+01:00; 2026-11-20T14:05:00+01:00",
            "2026-11-20; 2026-11-20; -",
            "2026-11-20T14:05:00; -; -",
            "20/11/2026 2:05 pm; -; -",
            "''; -; -"})
    void a_report_date_becomes_a_fhir_date_time_and_instant_or_is_left_out(String value, String dateTime, String instant) {
        assertThat(FhirDates.dateTime(value)).isEqualTo(java.util.Optional.ofNullable(dateTime));
        assertThat(FhirDates.instant(value)).isEqualTo(java.util.Optional.ofNullable(instant));
    }
}
