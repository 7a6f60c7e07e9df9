package org.safelight.format.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegionTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "AU, AU", "CA, CA", "DE, DE", "IE, IE", "UK, UK", "US, US",
        "GB, UK", "gb, UK", "NZ, AU", "nz, AU",
        "FR, DE", "IT, DE", "ES, DE", "NL, DE", "PL, DE", "SE, DE", "AT, DE", "GR, DE", "EL, DE", "' fr ', DE",
        "JP, US", "BR, US", "CH, US", "NO, US", "XX, US", "'', US", "Australia, US"
    })
    void a_country_keeps_its_reports_in_the_seeds_region(String country, Region expected) {
        assertThat(Region.forCountry(country)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void no_country_at_all_goes_to_the_us() {
        assertThat(Region.forCountry(null)).isEqualTo(Region.US);
    }

    @org.junit.jupiter.api.Test
    void a_link_names_its_region_in_upper_case_only() {
        assertThat(Region.fromPath("AU")).contains(Region.AU);
        assertThat(Region.fromPath("au")).isEmpty();
        assertThat(Region.fromPath("GB")).isEmpty();
        assertThat(Region.fromPath("..")).isEmpty();
    }
}
