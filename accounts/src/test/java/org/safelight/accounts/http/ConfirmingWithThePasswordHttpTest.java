package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.Outbox;
import org.safelight.server.limits.RateLimiter;

/**
 * Confirming an address takes the password chosen at sign-up as well as the mailed link, so that
 * the owner of a mailbox who presses the button of a sign-up someone else made with their address
 * does not hand that person the account.
 */
class ConfirmingWithThePasswordHttpTest {
    private static final String ATTACKER_PASSWORD = "amber kettle lantern 77";
    private static final String OWNER = "admin@hospital.org";

    /** Three wrong passwords per account and network, then one per 30 s. */
    private final AccountsServer server = AccountsServer.start(clock -> new RateLimits(
            new RateLimiter(10_000, 10_000, clock), new RateLimiter(3, 1 / 30.0, clock),
            new RateLimiter(10_000, 10_000, clock), new RateLimiter(10_000, 10_000, clock)));

    @AfterEach
    void stop() {
        server.close();
    }

    private boolean verified(String email) {
        return server.stores.users().findByEmail(email).orElseThrow().emailVerified();
    }

    private HttpResponse<String> signIn(String email, String password) {
        return server.post("/api/v1/accounts/signin",
                "{\"email\": \"" + email + "\", \"password\": \"" + password + "\"}");
    }

    private static String tokenOf(String link) {
        return link.substring(link.indexOf("token=") + "token=".length());
    }

    @Test
    void the_owner_who_presses_the_button_of_an_attackers_sign_up_does_not_hand_over_the_account() {
        server.signUp(OWNER, ATTACKER_PASSWORD);
        String link = server.outbox().lastLinkTo(OWNER);

        HttpResponse<String> pressed = server.postUrl(link);
        HttpResponse<String> ownPassword = server.postFormUrl(link, Map.of("password", AccountsServer.PASSWORD));

        assertThat(pressed.statusCode()).isEqualTo(400);
        assertThat(pressed.body()).contains("Enter the password you chose when you signed up")
                .contains("name=\"password\"").doesNotContain("<script");
        assertThat(ownPassword.statusCode()).isEqualTo(400);
        assertThat(ownPassword.body()).contains("not the password chosen at sign-up");
        assertThat(verified(OWNER)).isFalse();
        HttpResponse<String> attacker = signIn(OWNER, ATTACKER_PASSWORD);
        assertThat(attacker.statusCode()).isEqualTo(403);
        assertThat(json(attacker).get("error").asText()).isEqualTo("email_unverified");
        assertThat(json(attacker).has("access_token")).isFalse();
    }

    @Test
    void the_owner_who_signed_up_confirms_with_the_password_and_a_wrong_one_before_spends_nothing() {
        server.signUp(OWNER);
        String link = server.outbox().lastLinkTo(OWNER);

        HttpResponse<String> wrong = server.postFormUrl(link, Map.of("password", ATTACKER_PASSWORD));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("<form method=\"post\" action=\"verify?token=");
        assertThat(server.getUrl(link).statusCode()).as("the link still works").isEqualTo(200);

        HttpResponse<String> right = server.confirm(link, AccountsServer.PASSWORD);
        assertThat(right.body()).contains("Email address confirmed");
        assertThat(verified(OWNER)).isTrue();
        assertThat(signIn(OWNER, AccountsServer.PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void the_page_the_link_opens_asks_for_the_sign_up_password_and_the_mail_says_so() {
        server.signUp(OWNER);
        var mail = server.outbox().awaitMessagesTo(OWNER, 1).get(0);
        String text = Outbox.body(mail).replace("\n", " ");

        HttpResponse<String> page = server.getUrl(Outbox.linkIn(mail));

        assertThat(text).contains("enter the password you chose when you signed up")
                .contains("If you did not sign up for Safelight, ignore this mail");
        assertThat(page.body()).contains("Enter the password you chose when you signed up")
                .contains("If you did not sign up for Safelight")
                .contains("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\""
                        + " required>")
                .doesNotContain("<script");
    }

    @Test
    void json_clients_post_the_token_and_the_password() {
        server.signUp(OWNER);
        String token = tokenOf(server.outbox().lastLinkTo(OWNER));

        HttpResponse<String> none = server.post("/api/v1/accounts/verify", "{\"token\": \"" + token + "\"}");
        HttpResponse<String> wrong = server.post("/api/v1/accounts/verify",
                "{\"token\": \"" + token + "\", \"password\": \"" + ATTACKER_PASSWORD + "\"}");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).get("error").asText()).isEqualTo("invalid_credentials");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("error").asText()).isEqualTo("invalid_credentials");
        assertThat(verified(OWNER)).isFalse();

        HttpResponse<String> right = server.post("/api/v1/accounts/verify",
                "{\"token\": \"" + token + "\", \"password\": \"" + AccountsServer.PASSWORD + "\"}");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(json(right).get("email_verified").asBoolean()).isTrue();
        assertThat(verified(OWNER)).isTrue();
    }

    @Test
    void a_json_client_may_post_to_the_emailed_link_itself_with_the_token_in_its_query() {
        server.signUp(OWNER);
        String token = tokenOf(server.outbox().lastLinkTo(OWNER));

        HttpResponse<String> right = server.post("/api/v1/accounts/verify?token=" + token,
                "{\"password\": \"" + AccountsServer.PASSWORD + "\"}");

        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(verified(OWNER)).isTrue();
    }

    @Test
    void wrong_passwords_are_counted_with_failed_sign_ins_so_the_password_cannot_be_guessed() {
        server.signUp(OWNER, ATTACKER_PASSWORD);
        String link = server.outbox().lastLinkTo(OWNER);
        String token = tokenOf(link);

        assertThat(signIn(OWNER, "guess number one 0001").statusCode()).isEqualTo(401);
        assertThat(server.postFormUrl(link, Map.of("password", "guess number two 0002")).statusCode()).isEqualTo(400);
        assertThat(server.post("/api/v1/accounts/verify", "{\"token\": \"" + token
                + "\", \"password\": \"guess number three 03\"}").statusCode()).isEqualTo(401);

        HttpResponse<String> page = server.postFormUrl(link, Map.of("password", ATTACKER_PASSWORD));
        HttpResponse<String> api = server.post("/api/v1/accounts/verify",
                "{\"token\": \"" + token + "\", \"password\": \"" + ATTACKER_PASSWORD + "\"}");
        assertThat(page.statusCode()).as("even the right password waits").isEqualTo(429);
        assertThat(page.body()).contains("try again in");
        assertThat(page.headers().firstValue("Retry-After")).isPresent();
        assertThat(api.statusCode()).isEqualTo(429);
        assertThat(json(api).get("error").asText()).isEqualTo("rate_limited");
        assertThat(verified(OWNER)).isFalse();

        server.clock.advance(Duration.ofSeconds(31));
        server.confirm(link, ATTACKER_PASSWORD);
        assertThat(verified(OWNER)).isTrue();
    }
}
