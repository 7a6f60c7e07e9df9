package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The key server origins the policy and config.json name. */
class SecurityHeadersTest {
    @Test
    void a_default_port_is_left_out_as_the_browser_leaves_it_out_of_an_origin() {
        // keys.js compares these with URL.origin, which never carries :443 for https or :80 for http.
        SecurityHeaders headers = new SecurityHeaders(List.of("https://keys.example.org:443/keys",
                "http://keys.example.net:80", "https://keys.example.com:8443"));
        assertThat(headers.keyServerOrigins())
                .containsExactly("https://keys.example.org", "http://keys.example.net", "https://keys.example.com:8443");
    }
}
