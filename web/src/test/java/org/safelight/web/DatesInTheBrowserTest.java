package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The one date style of the web app ({@code formatDate}, {@code formatTime} in dom.js), run in
 * Chromium: the month by its name, 24 hours, the browser's time zone for instants, and a calendar
 * date (a birth date) the same day in every time zone.
 */
class DatesInTheBrowserTest extends AppPageBrowserTest {
    static String format(String zone, String function, String value) {
        ((ChromeDriver) browser.driver()).executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", zone));
        return (String) browser.asyncScript("""
                const [fn, value, done] = arguments;
                import('/app/static/dom.js').then(m => done(m[fn](value)), e => done('threw ' + e));
                """, function, value);
    }

    @Test
    void an_instant_reads_as_day_month_name_year_and_24_hour_time_in_the_browsers_zone() {
        assertThat(format("Australia/Sydney", "formatTime", "2026-11-27T03:05:00Z")).isEqualTo("27 November 2026, 14:05");
        assertThat(format("UTC", "formatTime", "2026-11-27T03:05:00Z")).isEqualTo("27 November 2026, 03:05");
        assertThat(format("America/New_York", "formatDate", "2026-11-27T03:05:00Z")).isEqualTo("26 November 2026");
    }

    @Test
    void a_birth_date_is_never_numeric_and_stays_the_same_day_everywhere() {
        for (String zone : List.of("Pacific/Kiritimati", "UTC", "America/Los_Angeles")) {
            assertThat(format(zone, "formatDate", "1948-11-12")).as(zone).isEqualTo("12 November 1948");
        }
    }

    @Test
    void what_is_not_a_date_is_shown_as_it_came() {
        assertThat(format("UTC", "formatTime", "not a date")).isEqualTo("not a date");
        assertThat(format("UTC", "formatDate", "")).isEqualTo("");
    }
}
