package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.enterprise.EnterpriseAuthority.Credential;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.enterprise.HttpEnterpriseAuthority;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.testing.Ports;

/** {@code GET /api/v1/enterprise/credential}, and {@link HttpEnterpriseAuthority} asking it over real HTTP. */
class EnterpriseCredentialHttpTest {
    private AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private String hospital() {
        return server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"),
                List.of());
    }

    @Test
    void a_live_api_key_or_key_server_token_names_its_enterprise_and_anything_else_is_unauthorized() {
        String ent = hospital();
        String apiKey = server.stores.credentials().issue(ent, Credential.API_KEY).secret();
        String kst = server.stores.credentials().issue(ent, Credential.KEY_SERVER_TOKEN).secret();

        HttpResponse<String> key = server.get("/api/v1/enterprise/credential", apiKey);
        HttpResponse<String> token = server.get("/api/v1/enterprise/credential", kst);

        assertThat(key.statusCode()).isEqualTo(200);
        assertThat(json(key).get("enterprise_id").asText()).isEqualTo(ent);
        assertThat(json(key).get("kind").asText()).isEqualTo("api_key");
        assertThat(json(token).get("kind").asText()).isEqualTo("key_server_token");
        assertThat(key.headers().firstValue("Cache-Control")).hasValue("no-store");
        for (String bad : List.of(kst + "x", "slak_nope", "not-a-credential")) {
            HttpResponse<String> r = server.get("/api/v1/enterprise/credential", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(401);
            assertThat(r.body()).doesNotContain(ent);
        }
        assertThat(server.get("/api/v1/enterprise/credential").statusCode()).isEqualTo(401);
        server.signUpVerified("ada@elsewhere.org");
        assertThat(server.get("/api/v1/enterprise/credential", server.accessToken("ada@elsewhere.org")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void guessing_is_rate_limited_per_client_address() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(3, 0.001, clock),
                new RateLimiter(1000, 1000, clock), new RateLimiter(1000, 1000, clock),
                new RateLimiter(1000, 1000, clock)));
        for (int i = 0; i < 3; i++) {
            assertThat(server.get("/api/v1/enterprise/credential", "slkst_guess" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = server.get("/api/v1/enterprise/credential", "slkst_guess4");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void guesses_from_a_role_servers_address_never_lock_out_the_live_credentials_it_checks_for_others() {
        // A key server or cloud role apart asks from one address for all its clients: failed guesses
        // sent through it must not use up the checks of real API keys and Key Server Tokens.
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(3, 0.001, clock),
                new RateLimiter(1000, 1000, clock), new RateLimiter(1000, 1000, clock),
                new RateLimiter(1000, 1000, clock)));
        String ent = hospital();
        String kst = server.stores.credentials().issue(ent, Credential.KEY_SERVER_TOKEN).secret();
        for (int i = 0; i < 5; i++) {
            server.get("/api/v1/enterprise/credential", "slkst_guess" + i);
        }

        HttpResponse<String> live = server.get("/api/v1/enterprise/credential", kst);

        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(server.get("/api/v1/enterprise/credential", "slkst_guess9").statusCode()).isEqualTo(429);
    }

    @Test
    void the_http_authority_answers_like_accounts_and_remembers_answers_for_a_while() {
        String ent = hospital();
        var kst = server.stores.credentials().issue(ent, Credential.KEY_SERVER_TOKEN);
        HttpEnterpriseAuthority authority = new HttpEnterpriseAuthority(URI.create(server.base),
                HttpClient.newHttpClient(), server.clock, Duration.ofSeconds(30));

        assertThat(authority.enterpriseOf(Credential.KEY_SERVER_TOKEN, kst.secret())).hasValue(ent);
        assertThat(authority.enterpriseOf(Credential.API_KEY, kst.secret())).isEmpty();
        assertThat(authority.enterpriseOf(Credential.KEY_SERVER_TOKEN, "slkst_unknown")).isEmpty();

        server.stores.credentials().revoke(ent, Credential.KEY_SERVER_TOKEN, kst.id());
        assertThat(authority.enterpriseOf(Credential.KEY_SERVER_TOKEN, kst.secret()))
                .as("remembered for 30 s").hasValue(ent);
        server.clock.advance(Duration.ofSeconds(31));
        assertThat(authority.enterpriseOf(Credential.KEY_SERVER_TOKEN, kst.secret())).isEmpty();
    }

    @Test
    void an_unreachable_accounts_role_is_unavailable_not_a_no() throws IOException {
        int port = Ports.unused();
        HttpEnterpriseAuthority authority = new HttpEnterpriseAuthority(URI.create("http://localhost:" + port),
                HttpClient.newHttpClient(), server.clock);
        assertThatThrownBy(() -> authority.enterpriseOf(Credential.KEY_SERVER_TOKEN, "slkst_abc"))
                .isInstanceOf(EnterpriseAuthorityUnavailableException.class)
                .hasMessageNotContaining("slkst_abc");
    }

    @Test
    void a_failing_accounts_server_is_unavailable_each_time_and_never_remembered_as_a_no() throws Exception {
        int[] calls = {0};
        com.sun.net.httpserver.HttpServer failing = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            calls[0]++;
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        failing.start();
        try {
            HttpEnterpriseAuthority authority = new HttpEnterpriseAuthority(
                    URI.create("http://127.0.0.1:" + failing.getAddress().getPort()), HttpClient.newHttpClient(),
                    server.clock);
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> authority.enterpriseOf(Credential.API_KEY, "slak_abc"))
                        .isInstanceOf(EnterpriseAuthorityUnavailableException.class).hasMessageContaining("503");
            }
            assertThat(calls[0]).isEqualTo(2);
        } finally {
            failing.stop(0);
        }
    }
}
