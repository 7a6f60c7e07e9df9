package org.safelight.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "*, '', true",
            "*, anything@anywhere.org, true",
            "*@gmail.com, fred@gmail.com, true",
            "*@gmail.com, @gmail.com, true",
            "*@gmail.com, fred@gmail.com.evil.org, false",
            "*@gmail.com, fred@notgmail.com, false",
            "fred@smith.com, fred@smith.com, true",
            "fred@smith.com, alfred@smith.com, false",
            "fred@smith.com, fred@smith.co, false",
            "f*d@*.com, fred@smith.com, true",
            "f*d@*.com, fd@x.com, true",
            "f*d@*.com, fred@smith.org, false",
            "**a**, xax, true",
            "a*b*c, abcbc, true",
            "a*b*c, acb, false",
            "a.c, abc, false",
            "a?c, abc, false",
            "a?c, a?c, true",
            "'', '', true",
            "'', a, false",
    })
    void a_star_stands_for_any_run_of_characters_and_everything_else_for_itself(String pattern, String text,
            boolean matches) {
        assertThat(Wildcard.matches(pattern, text)).isEqualTo(matches);
    }

    @Test
    @Timeout(2)
    void a_pattern_with_many_stars_against_a_long_address_stays_fast() {
        String pattern = "*a".repeat(50) + "*b";
        String text = "a".repeat(100_000);
        assertThat(Wildcard.matches(pattern, text)).isFalse();
    }
}
