package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.enterprise.EnterpriseAuthority.Credential;
import org.safelight.server.limits.RateLimiter;

class PasswordResetHttpTest {
    private static final String NEW_PASSWORD = "amber lighthouse falls 7";
    private AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private String requestLink(String email) {
        HttpResponse<String> r = server.post("/api/v1/accounts/password-reset", "{\"email\": \"" + email + "\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        return server.outbox().lastLinkTo(email);
    }

    private static String tokenOf(String link) {
        return URI.create(link).getQuery().substring("token=".length());
    }

    private int signInStatus(String password) {
        return server.post("/api/v1/accounts/signin",
                "{\"email\": \"ada@hospital.org\", \"password\": \"" + password + "\"}").statusCode();
    }

    @Test
    void a_reset_request_answers_202_whether_or_not_the_address_has_an_account() {
        HttpResponse<String> r = server.post("/api/v1/accounts/password-reset", "{\"email\": \"nobody@hospital.org\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(server.outbox().messages()).isEmpty();
        server.signUp("ada@hospital.org");
        assertThat(requestLink("ada@hospital.org")).startsWith(server.base + "/app/reset-password?token=");
    }

    @Test
    void the_link_opens_a_plain_form_whose_post_sets_the_password_once_and_signs_out_every_device() {
        server.signUpVerified("ada@hospital.org");
        String refresh = server.signIn("ada@hospital.org").get("refresh_token").asText();
        String link = requestLink("ada@hospital.org");

        HttpResponse<String> page = server.getUrl(link);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"../api/v1/accounts/password-reset/complete\">")
                .contains("name=\"password\"").contains("value=\"" + tokenOf(link) + "\"").doesNotContain("<script");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("form-action 'self'").doesNotContain("script-src"));
        assertThat(URI.create(link).resolve("../api/v1/accounts/password-reset/complete").getPath())
                .isEqualTo("/api/v1/accounts/password-reset/complete");

        HttpResponse<String> done = server.postForm("/api/v1/accounts/password-reset/complete",
                Map.of("token", tokenOf(link), "password", NEW_PASSWORD, "password_confirm", NEW_PASSWORD));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Password changed");

        assertThat(signInStatus(AccountsServer.PASSWORD)).isEqualTo(401);
        assertThat(signInStatus(NEW_PASSWORD)).isEqualTo(200);
        assertThat(server.post("/api/v1/accounts/refresh", "{\"refresh_token\": \"" + refresh + "\"}").statusCode())
                .isEqualTo(401);
        assertThat(server.stores.users().findByEmail("ada@hospital.org").orElseThrow().emailVerified()).isTrue();

        HttpResponse<String> again = server.postForm("/api/v1/accounts/password-reset/complete",
                Map.of("token", tokenOf(link), "password", "yet another passphrase", "password_confirm",
                        "yet another passphrase"));
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(again.body()).contains("already used");
        assertThat(server.getUrl(link).statusCode()).isEqualTo(410);
    }

    @Test
    void opening_the_reset_link_with_a_get_changes_nothing() {
        server.signUpVerified("ada@hospital.org");
        String link = requestLink("ada@hospital.org");

        assertThat(server.getUrl(link).statusCode()).isEqualTo(200);
        assertThat(server.getUrl(link).statusCode()).isEqualTo(200);

        assertThat(signInStatus(AccountsServer.PASSWORD)).isEqualTo(200);
        assertThat(server.stores.oneTimeTokens().lookup(org.safelight.accounts.internal.Secrets.hash(tokenOf(link)),
                org.safelight.accounts.users.OneTimeTokens.Purpose.RESET_PASSWORD, server.clock.instant()).status())
                .isEqualTo(org.safelight.accounts.users.OneTimeTokens.Redemption.Status.USABLE);
    }

    @Test
    void a_reset_request_answers_alike_for_every_address_and_mails_only_an_existing_account() {
        server.signUpVerified("ada@hospital.org");
        HttpResponse<String> known = server.post("/api/v1/accounts/password-reset", "{\"email\": \"ada@hospital.org\"}");
        HttpResponse<String> unknown = server.post("/api/v1/accounts/password-reset",
                "{\"email\": \"nobody@hospital.org\"}");

        assertThat(known.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(202);
        assertThat(known.body()).isEqualTo(unknown.body());
        assertThat(server.outbox().messagesTo("ada@hospital.org")).hasSize(2);
        assertThat(server.outbox().messagesTo("nobody@hospital.org")).isEmpty();
    }

    @Test
    void a_reset_lists_the_enterprise_credentials_made_since_verification_and_revokes_them_in_one_step() {
        String ent = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"),
                List.of());
        var before = server.stores.credentials().issue(ent, Credential.API_KEY);
        server.clock.advance(Duration.ofMinutes(1));
        server.signUpVerified("it@elsewhere.org");
        String admin = server.accessToken("it@elsewhere.org");
        String apiKey = json(server.post("/api/v1/enterprise/api-keys", "{}", admin)).get("api_key").asText();
        String kst = json(server.post("/api/v1/enterprise/key-server-tokens", "{}", admin)).get("key_server_token")
                .asText();

        server.post("/api/v1/accounts/password-reset", "{\"email\": \"it@elsewhere.org\"}");
        var mails = server.outbox().awaitMessagesTo("it@elsewhere.org", 2);
        String mail = org.safelight.accounts.testing.Outbox.body(mails.get(1));
        assertThat(mail).contains("API", "Key Server Tokens", "revoke");
        String link = org.safelight.accounts.testing.Outbox.linkIn(mails.get(1));
        HttpResponse<String> page = server.getUrl(link);
        assertThat(page.body()).contains(apiKey.substring(apiKey.length() - 4), kst.substring(kst.length() - 4))
                .doesNotContain(before.secret().substring(before.secret().length() - 4))
                .contains("name=\"revoke_credentials\"");
        assertThat(server.stores.credentials().checkApiKey(apiKey)).contains(ent);

        HttpResponse<String> done = server.postForm("/api/v1/accounts/password-reset/complete",
                Map.of("token", tokenOf(link), "password", NEW_PASSWORD, "password_confirm", NEW_PASSWORD,
                        "revoke_credentials", "yes"));

        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("revoked");
        assertThat(server.stores.credentials().checkApiKey(apiKey)).isEmpty();
        assertThat(server.stores.credentials().checkKeyServerToken(kst)).isEmpty();
        assertThat(server.stores.credentials().checkApiKey(before.secret())).contains(ent);
    }

    @Test
    void json_clients_complete_the_reset_with_token_and_password() {
        server.signUp("ada@hospital.org");
        String token = tokenOf(requestLink("ada@hospital.org"));
        HttpResponse<String> r = server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + token + "\", \"password\": \"" + NEW_PASSWORD + "\"}");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(signInStatus(NEW_PASSWORD)).isEqualTo(200);
        HttpResponse<String> again = server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + token + "\", \"password\": \"" + NEW_PASSWORD + "\"}");
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(json(again).get("error").asText()).isEqualTo("link_used");
    }

    @Test
    void a_weak_or_mistyped_new_password_is_refused_and_the_link_stays_usable() {
        server.signUp("ada@hospital.org");
        String token = tokenOf(requestLink("ada@hospital.org"));

        HttpResponse<String> mistyped = server.postForm("/api/v1/accounts/password-reset/complete",
                Map.of("token", token, "password", NEW_PASSWORD, "password_confirm", NEW_PASSWORD + "x"));
        assertThat(mistyped.statusCode()).isEqualTo(400);
        assertThat(mistyped.body()).contains("differ").contains("<form");

        HttpResponse<String> weakForm = server.postForm("/api/v1/accounts/password-reset/complete",
                Map.of("token", token, "password", "qwertyuiop", "password_confirm", "qwertyuiop"));
        assertThat(weakForm.statusCode()).isEqualTo(400);
        assertThat(weakForm.body()).contains("Not changed").contains("value=\"" + token + "\"");
        Matcher action = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\">").matcher(weakForm.body());
        assertThat(action.find()).isTrue();
        assertThat(weakForm.uri().resolve(action.group(1)).getPath()).isEqualTo("/api/v1/accounts/password-reset/complete");

        HttpResponse<String> weakJson = server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + token + "\", \"password\": \"Okafor2026!!\"}");
        assertThat(weakJson.statusCode()).isEqualTo(400);
        assertThat(json(weakJson).get("error").asText()).isEqualTo("weak_password");

        assertThat(server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + token + "\", \"password\": \"" + NEW_PASSWORD + "\"}").statusCode()).isEqualTo(204);
        assertThat(signInStatus(NEW_PASSWORD)).isEqualTo(200);
    }

    @Test
    void a_link_older_than_an_hour_is_refused_as_expired_and_an_invented_one_as_invalid() {
        server.signUpVerified("ada@hospital.org");
        String link = requestLink("ada@hospital.org");
        server.clock.advance(Duration.ofMinutes(61));
        HttpResponse<String> page = server.getUrl(link);
        assertThat(page.statusCode()).isEqualTo(410);
        assertThat(page.body()).contains("expired").doesNotContain("<form");
        HttpResponse<String> r = server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + tokenOf(link) + "\", \"password\": \"" + NEW_PASSWORD + "\"}");
        assertThat(r.statusCode()).isEqualTo(410);
        assertThat(json(r).get("error").asText()).isEqualTo("link_expired");

        assertThat(server.get("/app/reset-password?token=invented").statusCode()).isEqualTo(400);
        HttpResponse<String> invented = server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"invented\", \"password\": \"" + NEW_PASSWORD + "\"}");
        assertThat(invented.statusCode()).isEqualTo(400);
        assertThat(json(invented).get("error").asText()).isEqualTo("invalid_link");
        assertThat(signInStatus(AccountsServer.PASSWORD)).isEqualTo(200);
    }

    @Test
    void a_completed_reset_spends_the_other_reset_links_of_the_user() {
        server.signUp("ada@hospital.org");
        String older = tokenOf(requestLink("ada@hospital.org"));
        String newer = tokenOf(requestLink("ada@hospital.org"));
        assertThat(server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + newer + "\", \"password\": \"" + NEW_PASSWORD + "\"}").statusCode()).isEqualTo(204);
        assertThat(server.post("/api/v1/accounts/password-reset/complete",
                "{\"token\": \"" + older + "\", \"password\": \"lost phone found again\"}").statusCode()).isEqualTo(410);
    }

    @Test
    void reset_requests_from_one_client_beyond_the_limit_get_429() {
        server.close();
        server = AccountsServer.start(clock -> new RateLimits(new RateLimiter(100, 100, clock),
                new RateLimiter(100, 100, clock), new RateLimiter(1, 1 / 60.0, clock), new RateLimiter(100, 100, clock)));
        assertThat(server.post("/api/v1/accounts/password-reset", "{\"email\": \"a@b.org\"}").statusCode())
                .isEqualTo(202);
        HttpResponse<String> limited = server.post("/api/v1/accounts/password-reset", "{\"email\": \"c@d.org\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("60");
    }
}
