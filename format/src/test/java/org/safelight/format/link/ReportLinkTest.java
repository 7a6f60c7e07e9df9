package org.safelight.format.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportLinkTest {
    private static final String ID = "0000000011462800528240";

    @Test
    void a_fresh_link_has_22_random_alphanumerics_and_never_repeats() {
        Set<String> seen = new HashSet<>();
        Set<Character> chars = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            ReportLink link = ReportLink.fresh(Region.AU, ID);
            assertThat(link.random()).matches("[A-Za-z0-9]{22}");
            assertThat(link.name()).isEqualTo(link.random() + "-" + ID);
            assertThat(link.path()).isEqualTo("AU/" + link.name());
            seen.add(link.random());
            link.random().chars().forEach(c -> chars.add((char) c));
        }
        assertThat(seen).hasSize(2000);
        // upper, lower and digits all appear: about 131 bits per link
        assertThat(chars).hasSizeGreaterThan(55);
    }

    @Test
    void a_link_parses_back_from_its_path_segments() {
        ReportLink link = ReportLink.fresh(Region.DE, "ab_C-9");
        assertThat(ReportLink.parse("DE", link.name())).contains(link);
    }

    @Test
    void malformed_links_are_no_links() {
        String random = "A".repeat(22);
        assertThat(ReportLink.parse("DE", random.substring(1) + "-" + ID)).isEmpty();
        assertThat(ReportLink.parse("DE", random + "A-" + ID)).isEmpty();
        assertThat(ReportLink.parse("XX", random + "-" + ID)).isEmpty();
        assertThat(ReportLink.parse("DE", random + "-../etc")).isEmpty();
        assertThat(ReportLink.parse("DE", random + "-" + "9".repeat(65))).isEmpty();
        assertThat(ReportLink.parse("DE", random + "-")).isEmpty();
        assertThat(ReportLink.parse("DE", null)).isEmpty();
        assertThatThrownBy(() -> ReportLink.fresh(Region.US, "a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_unguessable_part_stays_out_of_logs() {
        ReportLink link = ReportLink.fresh(Region.US, ID);
        assertThat(link.toString()).doesNotContain(link.random()).contains(ID);
    }
}
