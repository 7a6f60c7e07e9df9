package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void single_ranges_resolve_against_the_size() throws Exception {
        assertThat(ByteRange.parse("bytes=0-9", 100)).contains(new ByteRange(0, 10));
        assertThat(ByteRange.parse("bytes=90-", 100)).contains(new ByteRange(90, 10));
        assertThat(ByteRange.parse("bytes=90-500", 100)).contains(new ByteRange(90, 10));
        assertThat(ByteRange.parse("bytes=-10", 100)).contains(new ByteRange(90, 10));
        assertThat(ByteRange.parse("bytes=-500", 100)).contains(new ByteRange(0, 100));
        assertThat(ByteRange.parse("bytes=5-5", 100).orElseThrow().contentRange(100)).isEqualTo("bytes 5-5/100");
    }

    @Test
    void no_header_several_ranges_other_units_and_nonsense_mean_the_whole_file() throws Exception {
        assertThat(ByteRange.parse(null, 100)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isEmpty();
        assertThat(ByteRange.parse("items=0-1", 100)).isEmpty();
        assertThat(ByteRange.parse("bytes=9-3", 100)).isEmpty();
        assertThat(ByteRange.parse("bytes=-", 100)).isEmpty();
        assertThat(ByteRange.parse("bytes=99999999999999999999-", 100)).isEmpty();
    }

    @Test
    void a_range_past_the_end_is_unsatisfiable() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=100-", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=200-300", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 100)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }
}
