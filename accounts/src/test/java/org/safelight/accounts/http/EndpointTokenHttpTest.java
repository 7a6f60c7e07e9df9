package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.http.ApiException;
import org.safelight.server.tokens.UserToken;

/** The endpoint-token exchange: a user token never travels to an institution's intake, this one does. */
class EndpointTokenHttpTest {
    private static final String EXCHANGE = "/api/v1/accounts/endpoint-token";
    private static final URI INTAKE = URI.create("https://intake.hospital.org");
    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_exchange_gives_a_five_minute_endpoint_token_only_that_endpoints_origin_accepts() throws Exception {
        String id = server.signUpVerified("ada@hospital.org");
        String user = server.accessToken("ada@hospital.org");
        HttpResponse<String> r = server.post(EXCHANGE,
                "{\"endpoint\": \"HTTPS://Intake.Hospital.org:443/api/report?x=1#y\"}", user);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode answer = json(r);
        assertThat(answer.get("endpoint").asText()).isEqualTo("https://intake.hospital.org");
        assertThat(Instant.parse(answer.get("expires_at").asText()))
                .isEqualTo(server.clock.instant().plus(Duration.ofMinutes(5)));
        String scoped = answer.get("token").asText();
        assertThat(SignedJWT.parse(scoped).getHeader().getType().getType()).isEqualTo("endpoint+jwt");
        assertThat(SignedJWT.parse(scoped).getJWTClaimsSet().getAudience()).containsExactly("https://intake.hospital.org");

        UserToken claims = server.endpointVerifier(INTAKE).verify(scoped);
        assertThat(claims.userId()).isEqualTo(id);
        assertThat(claims.email()).isEqualTo("ada@hospital.org");
        assertThat(claims.emailVerified()).isTrue();
        assertThat(claims.expiresAt()).isEqualTo(server.clock.instant().plus(Duration.ofMinutes(5)));
        // not at another endpoint, not as a user token, not as a key-server token for the same origin
        assertThatThrownBy(() -> server.endpointVerifier(URI.create("https://intake.elsewhere.org")).verify(scoped))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_token"));
        assertThatThrownBy(() -> server.verifier().verify(scoped)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> server.keyServerVerifier(INTAKE).verify(scoped)).isInstanceOf(ApiException.class);
        // and neither a user token nor a key-server token is an endpoint token
        assertThatThrownBy(() -> server.endpointVerifier(URI.create(server.base)).verify(user))
                .isInstanceOf(ApiException.class);
        String keyServerToken = json(server.post("/api/v1/accounts/key-server-token",
                "{\"key_server\": \"" + INTAKE + "\"}", user)).get("access_token").asText();
        assertThatThrownBy(() -> server.endpointVerifier(INTAKE).verify(keyServerToken))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void its_claims_are_read_afresh_from_the_account_not_copied_from_the_presented_token() {
        server.signUpVerified("ada@elsewhere.org");
        String user = server.accessToken("ada@elsewhere.org");
        assertThat(server.verifier().verify(user).enterpriseId()).isEmpty();
        String ent = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"),
                List.of());

        String scoped = json(server.post(EXCHANGE, "{\"endpoint\": \"" + INTAKE + "\"}", user)).get("token").asText();
        UserToken claims = server.endpointVerifier(INTAKE).verify(scoped);
        assertThat(claims.enterpriseId()).isEqualTo(ent);
        assertThat(claims.emailVerified()).isTrue();
    }

    @Test
    void an_endpoint_token_opens_no_accounts_route_and_buys_no_other_token() {
        server.signUpVerified("ada@hospital.org");
        String user = server.accessToken("ada@hospital.org");
        // scoped to this very origin, as when every role runs in one process
        String scoped = json(server.post(EXCHANGE, "{\"endpoint\": \"" + server.base + "\"}", user))
                .get("token").asText();
        for (HttpResponse<String> r : List.of(server.get("/api/v1/accounts/me", scoped),
                server.get("/api/v1/enterprise", scoped),
                server.get("/api/v1/accounts/me/reports", scoped),
                server.post(EXCHANGE, "{\"endpoint\": \"https://intake.elsewhere.org\"}", scoped),
                server.post("/api/v1/accounts/key-server-token", "{\"key_server\": \"https://keys.elsewhere.org\"}",
                        scoped))) {
            assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(401);
            assertThat(json(r).get("error").asText()).isEqualTo("invalid_token");
        }
    }

    @Test
    void the_exchange_needs_a_user_token_and_an_http_url() {
        server.signUpVerified("ada@hospital.org");
        String user = server.accessToken("ada@hospital.org");
        assertThat(server.post(EXCHANGE, "{\"endpoint\": \"https://intake.hospital.org\"}").statusCode())
                .isEqualTo(401);
        String keyServerToken = json(server.post("/api/v1/accounts/key-server-token",
                "{\"key_server\": \"" + server.base + "\"}", user)).get("access_token").asText();
        assertThat(server.post(EXCHANGE, "{\"endpoint\": \"https://intake.hospital.org\"}", keyServerToken)
                .statusCode()).isEqualTo(401);
        for (String bad : new String[] {"{}", "{\"endpoint\": \"ftp://intake.hospital.org\"}",
                "{\"endpoint\": \"/api/report\"}"}) {
            HttpResponse<String> r = server.post(EXCHANGE, bad, user);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).get("error").asText()).isEqualTo("bad_request");
        }
    }
}
