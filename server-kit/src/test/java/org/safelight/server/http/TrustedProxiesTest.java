package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.parse(List.of("10.0.0.0/8", " 192.168.1.7 ", "fd00::/8"));

    @Test
    void a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_forwards() {
        assertThat(proxies.clientAddress("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
        assertThat(TrustedProxies.NONE.clientAddress("10.0.0.1", List.of("198.51.100.1"))).isEqualTo("10.0.0.1");
    }

    @Test
    void only_a_trusted_proxy_says_which_scheme_the_client_used() {
        assertThat(proxies.clientScheme("http", "10.1.2.3", "https")).isEqualTo("https");
        assertThat(proxies.clientScheme("http", "10.1.2.3", "https, http")).isEqualTo("http");
        assertThat(proxies.clientScheme("http", "10.1.2.3", "gopher")).isEqualTo("http");
        assertThat(proxies.clientScheme("http", "10.1.2.3", null)).isEqualTo("http");
        assertThat(proxies.clientScheme("http", "203.0.113.9", "https")).as("a client claiming HTTPS").isEqualTo("http");
    }

    @Test
    void behind_trusted_proxies_the_client_is_the_rightmost_untrusted_forwarded_address() {
        assertThat(proxies.clientAddress("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
        // a client that sends its own X-Forwarded-For cannot choose its address: the proxy appends the real one
        assertThat(proxies.clientAddress("10.1.2.3", List.of("1.1.1.1, 198.51.100.1"))).isEqualTo("198.51.100.1");
        // two proxies: the inner one is trusted and skipped
        assertThat(proxies.clientAddress("10.1.2.3", List.of("198.51.100.1, 192.168.1.7"))).isEqualTo("198.51.100.1");
        // several headers are one list, in order
        assertThat(proxies.clientAddress("10.1.2.3", List.of("1.1.1.1", "198.51.100.1, 10.9.9.9")))
                .isEqualTo("198.51.100.1");
        assertThat(proxies.clientAddress("fd12::1", List.of("[2001:db8::7]"))).isEqualTo("2001:db8::7");
        // Jetty gives IPv6 peers in brackets
        assertThat(proxies.clientAddress("[fd12:0:0:0:0:0:0:1]", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
        assertThat(proxies.clientAddress("[2001:db8::9]", List.of("198.51.100.1"))).isEqualTo("[2001:db8::9]");
        // some load balancers add the client's port
        assertThat(proxies.clientAddress("10.1.2.3", List.of("198.51.100.1:52311"))).isEqualTo("198.51.100.1");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("[2001:db8::7]:443"))).isEqualTo("2001:db8::7");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("[2001:db8::7]x"))).isEqualTo("10.1.2.3");
    }

    @Test
    void without_a_usable_forwarded_address_the_last_trusted_hop_is_the_client() {
        assertThat(proxies.clientAddress("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("10.4.4.4"))).isEqualTo("10.4.4.4");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("198.51.100.1, evil.example.org")))
                .as("garbage ends the walk at the proxy that wrote it").isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("unknown"))).isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("999.1.1.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void blocks_match_by_their_prefix_bits() {
        TrustedProxies p = TrustedProxies.parse(List.of("172.16.0.0/12", "::1"));
        assertThat(p.trusts("172.31.255.255")).isTrue();
        assertThat(p.trusts("172.32.0.0")).isFalse();
        assertThat(p.trusts("::1")).isTrue();
        assertThat(p.trusts("[0:0:0:0:0:0:0:1]")).isTrue();
        assertThat(TrustedProxies.parse(List.of("[fd00::]/8")).trusts("fd12::1")).isTrue();
        assertThat(p.trusts("127.0.0.1")).isFalse();
        assertThat(p.trusts("localhost")).as("names are never looked up").isFalse();
        assertThat(TrustedProxies.parse(List.of("0.0.0.0/0")).trusts("8.8.8.8")).isTrue();
        assertThat(p.entries()).containsExactly("172.16.0.0/12", "::1");
    }

    @Test
    void an_entry_that_is_not_an_address_or_block_is_refused_by_name() {
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "fd00::/129", "1.2.3.4/x")) {
            assertThatThrownBy(() -> TrustedProxies.parse(List.of(bad))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThat(TrustedProxies.parse(List.of("", " "))).isSameAs(TrustedProxies.NONE);
    }

    @Test
    void once_installed_ctx_ip_is_the_client_behind_the_proxy() throws Exception {
        Role echo = TestRoles.of("echo", routes -> routes.get("/ip", ctx -> ctx.result(ctx.ip())));
        HttpClient http = HttpClient.newHttpClient();
        for (var c : List.of(new Object[] {TrustedProxies.parse(List.of("127.0.0.1")), "198.51.100.1"},
                new Object[] {TrustedProxies.NONE, "127.0.0.1"})) {
            TrustedProxies trusted = (TrustedProxies) c[0];
            Javalin app = ServerApp.create(List.of(echo), trusted::install).start("127.0.0.1", 0);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/ip")).header("X-Forwarded-For", "198.51.100.1").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo(c[1]);
            } finally {
                app.stop();
            }
        }
    }
}
