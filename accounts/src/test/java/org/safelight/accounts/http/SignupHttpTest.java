package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.limits.RateLimiter;

class SignupHttpTest {
    private AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void signing_up_creates_an_unverified_account_and_mails_a_link_to_verify_it() {
        HttpResponse<String> r = server.post("/api/v1/accounts/signup", """
                {"email": " Ada.Okafor@Hospital.org ", "password": "violet tram harbour 42",
                 "first_name": "Ada", "last_name": "Okafor", "title": "Dr", "country": "au"}""");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = json(r);
        assertThat(body.get("email").asText()).isEqualTo("ada.okafor@hospital.org");
        assertThat(body.get("email_verified").asBoolean()).isFalse();

        assertThat(server.outbox().messagesTo("ada.okafor@hospital.org")).hasSize(1);
        assertThat(server.outbox().lastLinkTo("ada.okafor@hospital.org"))
                .matches(server.base + "/api/v1/accounts/verify\\?token=[A-Za-z0-9_-]{43}");
        assertThat(server.stores.users().findByEmail("ada.okafor@hospital.org").orElseThrow().country())
                .isEqualTo("AU");
    }

    @Test
    void an_address_that_already_has_a_verified_account_is_not_taken_over_whatever_its_case() {
        String id = server.signUpVerified("ada@hospital.org");
        HttpResponse<String> r = server.post("/api/v1/accounts/signup", """
                {"email": "ADA@hospital.org", "password": "another fine passphrase", "first_name": "A",
                 "last_name": "B"}""");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(server.stores.users().findByEmail("ada@hospital.org").orElseThrow().id()).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            email          | {"password": "violet tram harbour 42", "first_name": "A", "last_name": "B"}
            email          | {"email": "not-an-address", "password": "violet tram harbour 42", "first_name": "A", "last_name": "B"}
            password       | {"email": "a@b.org", "first_name": "A", "last_name": "B"}
            first_name     | {"email": "a@b.org", "password": "violet tram harbour 42", "last_name": "B"}
            last_name      | {"email": "a@b.org", "password": "violet tram harbour 42", "first_name": "A", "last_name": "  "}
            country        | {"email": "a@b.org", "password": "violet tram harbour 42", "first_name": "A", "last_name": "B", "country": "XX"}
            title          | {"email": "a@b.org", "password": "violet tram harbour 42", "first_name": "A", "last_name": "B", "title": "ab\\u0007"}
            password       | {"email": "a@b.org", "password": "short", "first_name": "A", "last_name": "B"}
            password       | {"email": "a@b.org", "password": "Password123!", "first_name": "A", "last_name": "B"}
            """)
    void a_bad_field_is_refused_with_400_naming_it(String field, String body) {
        HttpResponse<String> r = server.post("/api/v1/accounts/signup", body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = json(r);
        assertThat(error.get("error").asText()).isIn("bad_request", "weak_password");
        assertThat(error.get("message").asText()).contains(field);
        assertThat(server.outbox().messages()).isEmpty();
    }

    @Test
    void pressing_the_button_of_the_link_with_the_password_verifies_the_address_once_and_answers_a_small_page() {
        server.signUp("ada@hospital.org");
        String link = server.outbox().lastLinkTo("ada@hospital.org");

        HttpResponse<String> opened = server.confirm(link);
        assertThat(opened.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(opened.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(opened.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
        assertThat(opened.body()).contains("confirmed").doesNotContain("<script");
        assertThat(server.stores.users().findByEmail("ada@hospital.org").orElseThrow().emailVerified()).isTrue();

        HttpResponse<String> again = server.postUrl(link);
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(again.body()).contains("already used");
    }

    @Test
    void a_link_opened_after_24_hours_shows_that_it_expired_with_410() {
        server.signUp("ada@hospital.org");
        String link = server.outbox().lastLinkTo("ada@hospital.org");
        server.clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(server.getUrl(link).statusCode()).isEqualTo(410);
        HttpResponse<String> r = server.postUrl(link);
        assertThat(r.statusCode()).isEqualTo(410);
        assertThat(r.body()).contains("expired");
        assertThat(server.stores.users().findByEmail("ada@hospital.org").orElseThrow().emailVerified()).isFalse();
    }

    @Test
    void a_made_up_or_missing_token_shows_that_the_link_is_not_valid_with_400() {
        assertThat(server.get("/api/v1/accounts/verify?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").statusCode())
                .isEqualTo(400);
        assertThat(server.postUrl(server.base + "/api/v1/accounts/verify?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> missing = server.get("/api/v1/accounts/verify");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("not valid");
    }

    @Test
    void asking_for_a_new_link_always_answers_202_and_mails_only_an_unverified_account() {
        HttpResponse<String> unknown = server.post("/api/v1/accounts/verify/resend", "{\"email\": \"who@nowhere.org\"}");
        assertThat(unknown.statusCode()).isEqualTo(202);
        assertThat(server.outbox().messages()).isEmpty();

        server.signUp("ada@hospital.org");
        String first = server.outbox().lastLinkTo("ada@hospital.org");
        assertThat(server.post("/api/v1/accounts/verify/resend", "{\"email\": \"Ada@Hospital.org\"}").statusCode())
                .isEqualTo(202);
        assertThat(server.outbox().messagesTo("ada@hospital.org")).hasSize(2);
        String second = server.outbox().lastLinkTo("ada@hospital.org");
        assertThat(second).isNotEqualTo(first);
        server.confirm(second);

        assertThat(server.post("/api/v1/accounts/verify/resend", "{\"email\": \"ada@hospital.org\"}").statusCode())
                .isEqualTo(202);
        assertThat(server.outbox().messagesTo("ada@hospital.org")).hasSize(2);
    }

    @Test
    void sign_ups_from_one_client_beyond_the_limit_get_429_with_retry_after() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(100, 100, clock),
                new RateLimiter(100, 100, clock), new RateLimiter(2, 1 / 60.0, clock), new RateLimiter(100, 100, clock)));
        server.signUp("a@hospital.org");
        server.signUp("b@hospital.org");
        HttpResponse<String> r = server.post("/api/v1/accounts/signup", """
                {"email": "c@hospital.org", "password": "violet tram harbour 42", "first_name": "C", "last_name": "D"}""");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).contains("60");
        assertThat(json(r).get("error").asText()).isEqualTo("rate_limited");
    }

    @Test
    void messages_to_one_address_beyond_the_limit_are_quietly_not_sent() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(100, 100, clock),
                new RateLimiter(100, 100, clock), new RateLimiter(100, 100, clock), new RateLimiter(2, 1 / 600.0, clock)));
        server.signUp("ada@hospital.org");
        for (int i = 0; i < 3; i++) {
            assertThat(server.post("/api/v1/accounts/verify/resend", "{\"email\": \"ada@hospital.org\"}").statusCode())
                    .isEqualTo(202);
        }
        assertThat(server.outbox().messagesTo("ada@hospital.org")).hasSize(2);
    }
}
