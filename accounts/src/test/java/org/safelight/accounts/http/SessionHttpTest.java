package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.tokens.RefreshTokens;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.tokens.UserToken;

class SessionHttpTest {
    private AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static String refreshBody(String token) {
        return "{\"refresh_token\": \"" + token + "\"}";
    }

    @Test
    void signing_in_answers_a_15_minute_bearer_token_and_a_refresh_token() {
        String id = server.signUpVerified("ada@hospital.org");
        HttpResponse<String> r = server.post("/api/v1/accounts/signin",
                "{\"email\": \"Ada@Hospital.org\", \"password\": \"" + AccountsServer.PASSWORD + "\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode pair = json(r);
        assertThat(pair.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(pair.get("expires_in").asLong()).isEqualTo(900);
        assertThat(pair.get("refresh_token").asText()).matches("[A-Za-z0-9_-]{43}");

        UserToken token = server.verifier().verify(pair.get("access_token").asText());
        assertThat(token.userId()).isEqualTo(id);
        assertThat(token.email()).isEqualTo("ada@hospital.org");
        assertThat(token.emailVerified()).isTrue();
        assertThat(token.name()).isEqualTo("Ada Okafor");
        assertThat(token.title()).isEqualTo("Dr");
        assertThat(token.country()).isEqualTo("AU");
        assertThat(token.enterpriseId()).isEmpty();
        assertThat(token.pro()).isFalse();
        assertThat(token.expiresAt()).isEqualTo(server.clock.instant().plus(Duration.ofMinutes(15)));
    }

    @Test
    void a_wrong_password_and_an_unknown_address_get_the_very_same_401() {
        server.signUpVerified("ada@hospital.org");
        HttpResponse<String> wrongPassword = server.post("/api/v1/accounts/signin",
                "{\"email\": \"ada@hospital.org\", \"password\": \"not the password at all\"}");
        HttpResponse<String> unknown = server.post("/api/v1/accounts/signin",
                "{\"email\": \"nobody@hospital.org\", \"password\": \"not the password at all\"}");
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.body()).isEqualTo(unknown.body());
        assertThat(json(unknown).get("error").asText()).isEqualTo("invalid_credentials");
    }

    @Test
    void a_refresh_answers_a_new_pair_and_the_spent_refresh_token_stops_working() {
        server.signUpVerified("ada@hospital.org");
        JsonNode first = server.signIn("ada@hospital.org");
        server.clock.advance(Duration.ofMinutes(20));

        HttpResponse<String> r = server.post("/api/v1/accounts/refresh", refreshBody(first.get("refresh_token").asText()));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode second = json(r);
        assertThat(second.get("refresh_token").asText()).isNotEqualTo(first.get("refresh_token").asText());
        UserToken token = server.verifier().verify(second.get("access_token").asText());
        assertThat(token.issuedAt()).isEqualTo(server.clock.instant());

        HttpResponse<String> third = server.post("/api/v1/accounts/refresh",
                refreshBody(second.get("refresh_token").asText()));
        assertThat(third.statusCode()).isEqualTo(200);
    }

    @Test
    void a_refresh_token_presented_again_after_rotation_ends_every_session_of_that_sign_in() {
        server.signUpVerified("ada@hospital.org");
        JsonNode stolen = server.signIn("ada@hospital.org");
        JsonNode otherDevice = server.signIn("ada@hospital.org");
        JsonNode legit = json(server.post("/api/v1/accounts/refresh", refreshBody(stolen.get("refresh_token").asText())));
        server.clock.advance(RefreshTokens.GRACE.plusSeconds(1));

        HttpResponse<String> replay = server.post("/api/v1/accounts/refresh",
                refreshBody(stolen.get("refresh_token").asText()));
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(json(replay).get("error").asText()).isEqualTo("refresh_token_reused");

        HttpResponse<String> afterTheft = server.post("/api/v1/accounts/refresh",
                refreshBody(legit.get("refresh_token").asText()));
        assertThat(afterTheft.statusCode()).isEqualTo(401);
        assertThat(json(afterTheft).get("error").asText()).isEqualTo("invalid_refresh_token");

        assertThat(server.post("/api/v1/accounts/refresh", refreshBody(otherDevice.get("refresh_token").asText()))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void two_tabs_refreshing_one_session_at_once_both_get_the_same_new_refresh_token_and_stay_signed_in()
            throws Exception {
        server.signUpVerified("ada@hospital.org");
        String shared = server.signIn("ada@hospital.org").get("refresh_token").asText();
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService tabs = Executors.newFixedThreadPool(2);
        try {
            Callable<HttpResponse<String>> tab = () -> {
                together.await(10, TimeUnit.SECONDS);
                return server.post("/api/v1/accounts/refresh", refreshBody(shared));
            };
            Future<HttpResponse<String>> one = tabs.submit(tab);
            Future<HttpResponse<String>> two = tabs.submit(tab);
            HttpResponse<String> a = one.get(30, TimeUnit.SECONDS);
            HttpResponse<String> b = two.get(30, TimeUnit.SECONDS);

            assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
            assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
            String next = json(a).get("refresh_token").asText();
            assertThat(json(b).get("refresh_token").asText()).isEqualTo(next);
            assertThat(server.verifier().verify(json(b).get("access_token").asText()).email())
                    .isEqualTo("ada@hospital.org");
            assertThat(server.post("/api/v1/accounts/refresh", refreshBody(next)).statusCode()).isEqualTo(200);
        } finally {
            tabs.shutdownNow();
        }
    }

    @Test
    void within_the_grace_a_spent_token_gets_its_successor_back_only_while_that_is_unused() {
        server.signUpVerified("ada@hospital.org");
        String first = server.signIn("ada@hospital.org").get("refresh_token").asText();
        String second = json(server.post("/api/v1/accounts/refresh", refreshBody(first))).get("refresh_token").asText();
        server.clock.advance(Duration.ofSeconds(5));
        assertThat(json(server.post("/api/v1/accounts/refresh", refreshBody(first))).get("refresh_token").asText())
                .isEqualTo(second);

        String third = json(server.post("/api/v1/accounts/refresh", refreshBody(second))).get("refresh_token").asText();
        HttpResponse<String> late = server.post("/api/v1/accounts/refresh", refreshBody(first));

        assertThat(late.statusCode()).isEqualTo(401);
        assertThat(json(late).get("error").asText()).isEqualTo("refresh_token_reused");
        assertThat(server.post("/api/v1/accounts/refresh", refreshBody(third)).statusCode()).isEqualTo(401);
    }

    @Test
    void a_refresh_token_is_good_for_30_days() {
        server.signUpVerified("ada@hospital.org");
        String refresh = server.signIn("ada@hospital.org").get("refresh_token").asText();
        server.clock.advance(Duration.ofDays(30).plusSeconds(1));
        HttpResponse<String> r = server.post("/api/v1/accounts/refresh", refreshBody(refresh));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("error").asText()).isEqualTo("invalid_refresh_token");
        assertThat(server.post("/api/v1/accounts/refresh", refreshBody("made-up")).statusCode()).isEqualTo(401);
    }

    @Test
    void signing_out_ends_the_session_and_answers_204_even_for_an_unknown_token() {
        server.signUpVerified("ada@hospital.org");
        String refresh = server.signIn("ada@hospital.org").get("refresh_token").asText();
        assertThat(server.post("/api/v1/accounts/signout", refreshBody(refresh)).statusCode()).isEqualTo(204);
        assertThat(server.post("/api/v1/accounts/refresh", refreshBody(refresh)).statusCode()).isEqualTo(401);
        assertThat(server.post("/api/v1/accounts/signout", refreshBody("unknown")).statusCode()).isEqualTo(204);
        assertThat(server.post("/api/v1/accounts/signout", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void sign_in_attempts_for_one_account_beyond_the_limit_get_429_with_retry_after() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(100, 100, clock),
                new RateLimiter(3, 1 / 30.0, clock), new RateLimiter(100, 100, clock), new RateLimiter(100, 100, clock)));
        server.signUpVerified("ada@hospital.org");
        String wrong = "{\"email\": \"ada@hospital.org\", \"password\": \"guess number one\"}";
        for (int i = 0; i < 3; i++) {
            assertThat(server.post("/api/v1/accounts/signin", wrong).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = server.post("/api/v1/accounts/signin", wrong);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("30");
        assertThat(server.post("/api/v1/accounts/signin",
                "{\"email\": \"other@hospital.org\", \"password\": \"guess number one\"}").statusCode()).isEqualTo(401);
        server.clock.advance(Duration.ofSeconds(30));
        assertThat(server.signIn("ada@hospital.org").has("access_token")).isTrue();
    }

    @Test
    void a_strangers_failed_sign_ins_never_refuse_the_owners_correct_password_from_another_network() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(100, 100, clock),
                new RateLimiter(3, 1 / 30.0, clock), new RateLimiter(100, 100, clock), new RateLimiter(100, 100, clock)));
        server.signUpVerified("ada@hospital.org");
        String wrong = "{\"email\": \"ada@hospital.org\", \"password\": \"guess number one\"}";
        String right = "{\"email\": \"ada@hospital.org\", \"password\": \"" + AccountsServer.PASSWORD + "\"}";
        for (int i = 0; i < 5; i++) {
            server.postFrom("203.0.113.9", "/api/v1/accounts/signin", wrong);
            server.postFrom("2001:db8:1:2::" + (i + 1), "/api/v1/accounts/signin", wrong);
        }
        HttpResponse<String> stranger = server.postFrom("203.0.113.9", "/api/v1/accounts/signin", right);
        HttpResponse<String> strangerNextDoor = server.postFrom("2001:db8:1:2::99", "/api/v1/accounts/signin", right);
        assertThat(stranger.statusCode()).isEqualTo(429);
        assertThat(strangerNextDoor.statusCode()).as("same /64").isEqualTo(429);
        assertThat(json(stranger).get("message").asText()).contains("try again in 30 s");

        assertThat(server.postFrom("198.51.100.20", "/api/v1/accounts/signin", right).statusCode()).isEqualTo(200);
        assertThat(server.postFrom("2001:db8:1:3::1", "/api/v1/accounts/signin", right).statusCode()).isEqualTo(200);
    }

    @Test
    void the_owners_own_successful_sign_ins_do_not_use_up_the_limit() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(100, 100, clock),
                new RateLimiter(3, 1 / 30.0, clock), new RateLimiter(100, 100, clock), new RateLimiter(100, 100, clock)));
        server.signUpVerified("ada@hospital.org");
        for (int i = 0; i < 6; i++) {
            assertThat(server.signIn("ada@hospital.org").has("access_token")).isTrue();
        }
    }

    @Test
    void sign_in_attempts_from_one_client_beyond_the_limit_get_429_whatever_the_account() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(2, 0.5, clock),
                new RateLimiter(100, 100, clock), new RateLimiter(100, 100, clock), new RateLimiter(100, 100, clock)));
        for (String who : new String[] {"a@x.org", "b@x.org"}) {
            assertThat(server.post("/api/v1/accounts/signin", "{\"email\": \"" + who + "\", \"password\": \"p\"}")
                    .statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = server.post("/api/v1/accounts/signin", "{\"email\": \"c@x.org\", \"password\": \"p\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("2");
    }

    @Test
    void the_jwks_publishes_only_public_keys_with_cache_headers() throws Exception {
        HttpResponse<String> r = server.get("/.well-known/jwks.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("public, max-age=60");
        JWKSet set = JWKSet.parse(r.body());
        assertThat(set.getKeys()).hasSize(1);
        assertThat(set.getKeys().get(0).isPrivate()).isFalse();
        assertThat(r.body()).doesNotContain("\"d\"");
        assertThat(set.getKeys().get(0).getKeyID()).isEqualTo(server.keys.current().getKeyID());
    }
}
