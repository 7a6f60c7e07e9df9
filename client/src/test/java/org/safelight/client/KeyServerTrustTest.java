package org.safelight.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyServerTrustTest {
    private static final String SIGNED_IN = "http://safelight.lan:8080";

    @TempDir
    Path home;

    private Map<String, String> env() {
        return Map.of("XDG_CONFIG_HOME", home.toString());
    }

    @Test
    void the_signed_in_server_is_trusted_by_its_origin_whatever_the_path() throws Exception {
        KeyServerTrust trust = KeyServerTrust.load(env(), List.of());
        assertThat(trust.check("HTTP://Safelight.LAN:8080/some/path?q#f", SIGNED_IN)).isEqualTo(SIGNED_IN);
        assertThatThrownBy(() -> trust.check("http://safelight.lan:8081", SIGNED_IN))
                .isInstanceOf(UntrustedKeyServerException.class).hasMessageContaining("safelight trust add");
        assertThatThrownBy(() -> trust.check("https://safelight.lan:8080", SIGNED_IN))
                .isInstanceOf(UntrustedKeyServerException.class);
    }

    @Test
    void listed_and_given_key_servers_are_trusted_and_nothing_else() throws Exception {
        KeyServerTrust.load(env(), List.of()).add("https://keys.partner.example/x", SIGNED_IN);
        KeyServerTrust trust = KeyServerTrust.load(env(), List.of("https://keys.given.example:443"));
        assertThat(trust.check("https://keys.partner.example/api?x=1", SIGNED_IN))
                .isEqualTo("https://keys.partner.example");
        assertThat(trust.check("https://KEYS.given.example", SIGNED_IN)).isEqualTo("https://keys.given.example");
        assertThatThrownBy(() -> trust.check("https://keys.partner.example.evil.example", SIGNED_IN))
                .isInstanceOf(UntrustedKeyServerException.class);
        assertThatThrownBy(() -> trust.check("https://keys.partner.example@evil.example", SIGNED_IN))
                .isInstanceOf(UntrustedKeyServerException.class);
        assertThatThrownBy(() -> trust.check("ftp://keys.partner.example", SIGNED_IN))
                .isInstanceOf(UntrustedKeyServerException.class);
    }

    @Test
    void plain_http_goes_only_to_the_signed_in_server_or_loopback_even_when_trusted() throws Exception {
        KeyServerTrust trust = KeyServerTrust.load(env(), List.of("http://keys.lan", "http://localhost:9000",
                "http://127.0.0.2:9000", "http://[::1]:9000"));
        assertThatThrownBy(() -> trust.check("http://keys.lan/", SIGNED_IN))
                .isInstanceOf(UntrustedKeyServerException.class).hasMessageContaining("plain http");
        assertThat(trust.check("http://localhost:9000", SIGNED_IN)).isEqualTo("http://localhost:9000");
        assertThat(trust.check("http://127.0.0.2:9000", SIGNED_IN)).isEqualTo("http://127.0.0.2:9000");
        assertThat(trust.check("http://[::1]:9000", SIGNED_IN)).isEqualTo("http://[::1]:9000");
        assertThat(trust.check(SIGNED_IN, SIGNED_IN)).isEqualTo(SIGNED_IN);
        assertThatThrownBy(() -> KeyServerTrust.load(env(), List.of()).add("http://keys.lan", SIGNED_IN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThat(KeyServerTrust.load(env(), List.of()).add("http://127.0.0.1:9000/", null))
                .isEqualTo("http://127.0.0.1:9000");
    }
}
