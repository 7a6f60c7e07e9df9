package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.Outbox;

/**
 * Nobody can claim an address before its owner: no session before the address is confirmed, a
 * link opened by a mail scanner confirms nothing, a later sign-up replaces a pending one, and the
 * messages to unconfirmed addresses carry no stranger's words.
 */
class ClaimingAnAddressHttpTest {
    private static final String OTHER_PASSWORD = "amber kettle lantern 77";

    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> signIn(String email, String password) {
        return server.post("/api/v1/accounts/signin",
                "{\"email\": \"" + email + "\", \"password\": \"" + password + "\"}");
    }

    private boolean verified(String email) {
        return server.stores.users().findByEmail(email).orElseThrow().emailVerified();
    }

    @Test
    void an_unverified_account_gets_no_session_even_with_the_right_password() {
        server.signUp("ada@hospital.org");

        HttpResponse<String> right = signIn("ada@hospital.org", AccountsServer.PASSWORD);
        HttpResponse<String> wrong = signIn("ada@hospital.org", OTHER_PASSWORD);

        assertThat(right.statusCode()).isEqualTo(403);
        assertThat(json(right).get("error").asText()).isEqualTo("email_unverified");
        assertThat(json(right).has("refresh_token")).isFalse();
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void opening_the_link_with_a_get_verifies_nothing_and_the_pages_button_posts_to_the_links_own_address() {
        server.signUp("ada@hospital.org");
        String link = server.outbox().lastLinkTo("ada@hospital.org");

        HttpResponse<String> page = server.getUrl(link);
        HttpResponse<String> scannedAgain = server.getUrl(link);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(scannedAgain.statusCode()).isEqualTo(200);
        assertThat(verified("ada@hospital.org")).isFalse();
        String query = link.substring(link.indexOf('?'));
        assertThat(page.body()).contains("<form method=\"post\" action=\"verify" + query + "\">")
                .contains("<button type=\"submit\"").doesNotContain("<script");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'").contains("form-action 'self'"));

        HttpResponse<String> pressed = server.confirm(link);
        assertThat(pressed.body()).contains("confirmed");
        assertThat(verified("ada@hospital.org")).isTrue();
        assertThat(server.postUrl(link).statusCode()).isEqualTo(410);
        assertThat(server.getUrl(link).body()).contains("already used");
    }

    @Test
    void json_clients_verify_with_a_post_of_the_token_and_the_sign_up_password() {
        server.signUp("ada@hospital.org");
        String link = server.outbox().lastLinkTo("ada@hospital.org");
        String token = link.substring(link.indexOf("token=") + "token=".length());
        String body = "{\"token\": \"" + token + "\", \"password\": \"" + AccountsServer.PASSWORD + "\"}";

        HttpResponse<String> r = server.post("/api/v1/accounts/verify", body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("email_verified").asBoolean()).isTrue();
        HttpResponse<String> again = server.post("/api/v1/accounts/verify", body);
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(json(again).get("error").asText()).isEqualTo("link_used");
    }

    @Test
    void verifying_ends_every_session_opened_before() {
        String id = server.signUp("ada@hospital.org");
        // a session from before unverified accounts were refused one
        server.stores.refreshTokens().add("an-old-refresh-token", "fam", id, server.clock.instant(),
                server.clock.instant().plusSeconds(3600));

        server.confirm(server.outbox().lastLinkTo("ada@hospital.org"));

        HttpResponse<String> r = server.post("/api/v1/accounts/refresh", "{\"refresh_token\": \"an-old-refresh-token\"}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(server.signIn("ada@hospital.org").get("refresh_token").asText()).isNotBlank();
    }

    @Test
    void a_new_sign_up_for_an_unverified_address_replaces_the_pending_one() {
        server.signUp("ada@hospital.org", OTHER_PASSWORD);
        String firstLink = server.outbox().lastLinkTo("ada@hospital.org");

        server.signUp("ada@hospital.org");
        String secondLink = Outbox.linkIn(server.outbox().awaitMessagesTo("ada@hospital.org", 2).get(1));

        assertThat(server.getUrl(firstLink).body()).contains("not valid");
        assertThat(server.postUrl(firstLink).statusCode()).isEqualTo(400);
        assertThat(verified("ada@hospital.org")).isFalse();
        server.confirm(secondLink);
        assertThat(signIn("ada@hospital.org", OTHER_PASSWORD).statusCode()).isEqualTo(401);
        assertThat(signIn("ada@hospital.org", AccountsServer.PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void a_sign_up_for_a_verified_address_answers_like_a_new_one_changes_nothing_and_tells_the_owner() {
        server.signUpVerified("ada@hospital.org");
        String body = """
                {"email": "%s", "password": "%s", "first_name": "Eve", "last_name": "Mallory"}""";

        HttpResponse<String> taken = server.post("/api/v1/accounts/signup", body.formatted("ada@hospital.org",
                OTHER_PASSWORD));
        HttpResponse<String> fresh = server.post("/api/v1/accounts/signup", body.formatted("bob@hospital.org",
                OTHER_PASSWORD));

        assertThat(taken.statusCode()).isEqualTo(202).isEqualTo(fresh.statusCode());
        assertThat(taken.body()).isEqualTo(fresh.body().replace("bob@", "ada@"));
        assertThat(signIn("ada@hospital.org", OTHER_PASSWORD).statusCode()).isEqualTo(401);
        assertThat(signIn("ada@hospital.org", AccountsServer.PASSWORD).statusCode()).isEqualTo(200);
        var toAda = server.outbox().messagesTo("ada@hospital.org");
        assertThat(toAda).hasSize(2);
        assertThat(Outbox.body(toAda.get(1))).contains("already has an account").doesNotContain("http", "Eve");
        assertThat(server.outbox().messagesTo("bob@hospital.org")).hasSize(1);
    }

    @Test
    void mails_to_unverified_addresses_carry_no_text_the_signer_up_chose() {
        server.post("/api/v1/accounts/signup", """
                {"email": "ada@hospital.org", "password": "violet tram harbour 42",
                 "first_name": "Visit evil.example now", "last_name": "Claim your prize", "title": "Urgent"}""");
        server.post("/api/v1/accounts/verify/resend", "{\"email\": \"ada@hospital.org\"}");
        server.post("/api/v1/accounts/password-reset", "{\"email\": \"ada@hospital.org\"}");

        var messages = server.outbox().messagesTo("ada@hospital.org");
        assertThat(messages).hasSize(3);
        for (var m : messages) {
            assertThat(Outbox.body(m)).doesNotContain("evil", "Visit", "prize", "Urgent");
        }
    }

    @Test
    void the_sign_up_answer_is_the_same_whether_or_not_mail_goes_out_and_names_no_account() {
        HttpResponse<String> r = server.post("/api/v1/accounts/signup", """
                {"email": "ada@hospital.org", "password": "violet tram harbour 42", "first_name": "A", "last_name": "B"}""");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(json(r).has("user_id")).isFalse();
        assertThat(json(r).get("email_verified").asBoolean()).isFalse();
        assertThat(server.stores.users().verifiedAt(server.stores.users().findByEmail("ada@hospital.org")
                .orElseThrow().id())).isEmpty();
    }

    @Test
    void confirming_records_when_the_address_was_confirmed() {
        String id = server.signUpVerified("ada@hospital.org");
        assertThat(server.stores.users().verifiedAt(id)).contains(Instant.ofEpochMilli(server.clock.millis()));
    }
}
