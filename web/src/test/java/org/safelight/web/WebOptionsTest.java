package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The web role's flags as serve parses them (picocli), and what they refuse. */
class WebOptionsTest {
    static WebSettings parse(String... args) {
        WebOptions options = new WebOptions();
        new CommandLine(options).parseArgs(args);
        return options.settings();
    }

    @Test
    void without_the_flag_the_sealing_key_server_is_left_to_the_wiring() {
        assertThat(parse().composeKeyServer()).isEmpty();
        assertThat(parse().describe()).containsEntry("web-compose-key-server", "");
    }

    @Test
    void a_sealing_key_server_is_an_https_url_or_one_on_this_computer() {
        assertThat(parse("--web-compose-key-server", " https://keys.hospital.example/ ").composeKeyServer())
                .isEqualTo("https://keys.hospital.example/");
        assertThat(parse("--web-compose-key-server", "http://localhost:9000").composeKeyServer())
                .isEqualTo("http://localhost:9000");
        assertThatThrownBy(() -> parse("--web-compose-key-server", "http://keys.hospital.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--web-compose-key-server: ").hasMessageContaining("plain http");
        assertThatThrownBy(() -> parse("--web-compose-key-server", "ftp://keys.hospital.example"))
                .hasMessageStartingWith("--web-compose-key-server: ");
    }
}
