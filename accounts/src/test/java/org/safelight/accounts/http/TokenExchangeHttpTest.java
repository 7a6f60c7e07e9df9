package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.http.Refusal;
import org.safelight.server.tokens.UserToken;

/** Audiences (DESIGN §3): user tokens for this server, scoped tokens for one key server each. */
class TokenExchangeHttpTest {
    private static final String EXCHANGE = "/api/v1/accounts/key-server-token";
    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_user_token_names_this_server_as_issuer_and_audience_and_its_type() throws Exception {
        server.signUpVerified("ada@hospital.org");
        SignedJWT jwt = SignedJWT.parse(server.accessToken("ada@hospital.org"));
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(server.base);
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(server.base);
        assertThat(jwt.getJWTClaimsSet().getNotBeforeTime()).isNotNull();
    }

    @Test
    void the_exchange_gives_a_five_minute_token_only_that_key_servers_origin_accepts() throws Exception {
        String id = server.signUpVerified("ada@hospital.org");
        String user = server.accessToken("ada@hospital.org");
        HttpResponse<String> r = server.post(EXCHANGE,
                "{\"key_server\": \"HTTPS://Keys.Hospital.org:443/some/path?x=1#y\"}", user);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode answer = json(r);
        assertThat(answer.get("key_server").asText()).isEqualTo("https://keys.hospital.org");
        assertThat(answer.get("expires_in").asLong()).isEqualTo(300);
        assertThat(answer.get("token_type").asText()).isEqualTo("Bearer");
        String scoped = answer.get("access_token").asText();

        UserToken claims = server.keyServerVerifier(URI.create("https://keys.hospital.org")).verify(scoped);
        assertThat(claims.userId()).isEqualTo(id);
        assertThat(claims.email()).isEqualTo("ada@hospital.org");
        assertThat(claims.emailVerified()).isTrue();
        assertThat(claims.expiresAt()).isEqualTo(server.clock.instant().plus(Duration.ofMinutes(5)));
        // not at another key server, not as a user token
        assertThatThrownBy(() -> server.keyServerVerifier(URI.create("https://keys.elsewhere.org")).verify(scoped))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo("invalid_token"));
        assertThatThrownBy(() -> server.verifier().verify(scoped)).isInstanceOf(Refusal.class);
        // and a user token is no key-server token, even for this very origin
        assertThatThrownBy(() -> server.keyServerVerifier(URI.create(server.base)).verify(user))
                .isInstanceOf(Refusal.class);
    }

    @Test
    void a_key_server_token_opens_no_accounts_or_enterprise_route_and_buys_no_other_token() {
        server.signUpVerified("ada@hospital.org");
        String user = server.accessToken("ada@hospital.org");
        // scoped to this very origin, as when every role runs in one process
        String scoped = json(server.post(EXCHANGE, "{\"key_server\": \"" + server.base + "\"}", user))
                .get("access_token").asText();
        for (HttpResponse<String> r : java.util.List.of(server.get("/api/v1/accounts/me", scoped),
                server.patch("/api/v1/accounts/me", "{\"title\": \"Prof\"}", scoped),
                server.get("/api/v1/enterprise", scoped),
                server.post("/api/v1/enterprise/api-keys", "{}", scoped),
                server.get("/api/v1/accounts/me/reports", scoped),
                server.post(EXCHANGE, "{\"key_server\": \"https://keys.elsewhere.org\"}", scoped))) {
            assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(401);
            assertThat(json(r).get("error").asText()).isEqualTo("invalid_token");
        }
        assertThat(server.get("/api/v1/accounts/me", user).statusCode()).isEqualTo(200);
    }

    @Test
    void the_exchange_needs_a_user_token_and_an_http_url() {
        server.signUpVerified("ada@hospital.org");
        String user = server.accessToken("ada@hospital.org");
        assertThat(server.post(EXCHANGE, "{\"key_server\": \"https://keys.hospital.org\"}").statusCode())
                .isEqualTo(401);
        for (String bad : new String[] {"{}", "{\"key_server\": \"ftp://keys.hospital.org\"}",
                "{\"key_server\": \"/api/v1\"}"}) {
            HttpResponse<String> r = server.post(EXCHANGE, bad, user);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).get("error").asText()).isEqualTo("bad_request");
        }
    }
}
