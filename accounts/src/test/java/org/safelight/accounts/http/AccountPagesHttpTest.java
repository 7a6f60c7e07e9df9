package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;

/**
 * The pages an emailed link opens (confirming an address, choosing a new password): My Safelight's
 * look in a style block the page's policy allows, a title, labelled fields, an error next to its
 * field, and a link onward to sign in; and the requests that mail those links say nothing about
 * whether an address has an account.
 */
class AccountPagesHttpTest {
    private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);
    private static final Pattern ONWARD = Pattern.compile("<a class=\"button\" href=\"([^\"]+)\">([^<]+)</a>");
    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static void looksLikeTheApp(HttpResponse<String> page, String title) throws Exception {
        assertThat(page.body()).contains("<title>" + title + " · Safelight</title>", "<span class=\"brand\">Safelight</span>",
                "<div class=\"card\">", "name=\"viewport\"").doesNotContain("<script");
        Matcher style = STYLE.matcher(page.body());
        assertThat(style.find()).isTrue();
        assertThat(style.group(1)).contains("--accent:#0b5cad", "min-height:44px", ":focus-visible");
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(style.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("style-src 'sha256-" + hash + "'")
                        .contains("default-src 'none'"));
    }

    /** Where the page's link onward leads, resolved against the address the page was answered at. */
    private static String onward(HttpResponse<String> page) {
        Matcher m = ONWARD.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        assertThat(m.group(2)).isEqualTo("Sign in to My Safelight");
        URI to = page.uri().resolve(m.group(1));
        return to.getRawPath() + "#" + to.getRawFragment();
    }

    @Test
    void the_confirmation_page_has_the_apps_look_a_labelled_field_and_an_error_next_to_it() throws Exception {
        server.signUp("ada@hospital.org");
        String link = server.outbox().lastLinkTo("ada@hospital.org");

        HttpResponse<String> opened = server.getUrl(link);
        HttpResponse<String> wrong = server.postFormUrl(link, Map.of("password", "not the password at all"));

        looksLikeTheApp(opened, "Confirm your email address");
        assertThat(opened.body()).contains("<label for=\"password\">").doesNotContain("aria-invalid=\"true\"");
        assertThat(wrong.statusCode()).isEqualTo(400);
        looksLikeTheApp(wrong, "Confirm your email address");
        assertThat(wrong.body()).containsPattern("<input id=\"password\"[^>]* aria-describedby=\"password-error\""
                        + " aria-invalid=\"true\" autofocus>\n<p class=\"error\" id=\"password-error\">Not confirmed: this"
                        + " is not the password chosen at sign-up");
    }

    @Test
    void once_confirmed_the_page_links_onward_to_my_safelights_sign_in() throws Exception {
        server.signUp("ada@hospital.org");
        String link = server.outbox().lastLinkTo("ada@hospital.org");

        HttpResponse<String> done = server.confirm(link);
        HttpResponse<String> again = server.postFormUrl(link, Map.of("password", AccountsServer.PASSWORD));

        looksLikeTheApp(done, "Email address confirmed");
        assertThat(onward(done)).isEqualTo("/app/#/signin");
        assertThat(again.statusCode()).isEqualTo(410);
        assertThat(onward(again)).isEqualTo("/app/#/signin");
    }

    @Test
    void the_reset_form_puts_each_error_next_to_its_field_and_the_done_page_links_onward() throws Exception {
        server.signUpVerified("ada@hospital.org");
        server.post("/api/v1/accounts/password-reset", "{\"email\": \"ada@hospital.org\"}");
        String link = server.outbox().lastLinkTo("ada@hospital.org");
        String token = URI.create(link).getQuery().substring("token=".length());
        String complete = "/api/v1/accounts/password-reset/complete";

        HttpResponse<String> form = server.getUrl(link);
        HttpResponse<String> differ = server.postForm(complete, Map.of("token", token,
                "password", "a long new passphrase", "password_confirm", "another long passphrase"));
        HttpResponse<String> weak = server.postForm(complete, Map.of("token", token,
                "password", "short", "password_confirm", "short"));
        HttpResponse<String> done = server.postForm(complete, Map.of("token", token,
                "password", "a long new passphrase", "password_confirm", "a long new passphrase"));

        looksLikeTheApp(form, "Choose a new password");
        assertThat(form.body()).contains("<label for=\"password\">New password</label>",
                "<label for=\"password_confirm\">The same password again</label>").doesNotContain("aria-invalid=\"true\"");
        assertThat(differ.body()).containsPattern("<input id=\"password_confirm\"[^>]* aria-invalid=\"true\" autofocus>\n"
                + "<p class=\"error\" id=\"password_confirm-error\">Not changed: the two passwords differ");
        assertThat(differ.body()).doesNotContainPattern("<input id=\"password\"[^>]* aria-invalid");
        assertThat(weak.body()).containsPattern("<input id=\"password\"[^>]* aria-describedby=\"password-hint"
                + " password-error\" aria-invalid=\"true\" autofocus>\n<p class=\"error\" id=\"password-error\">");
        assertThat(done.statusCode()).isEqualTo(200);
        looksLikeTheApp(done, "Password changed");
        assertThat(onward(done)).isEqualTo("/app/#/signin");
        assertThat(onward(server.getUrl(link))).as("a used link's page").isEqualTo("/app/#/signin");
    }

    @Test
    void asking_for_a_link_answers_alike_for_an_unknown_an_unconfirmed_and_a_confirmed_address() {
        server.signUp("new@hospital.org");
        server.signUpVerified("ada@hospital.org");

        for (String route : new String[] {"/api/v1/accounts/verify/resend", "/api/v1/accounts/password-reset"}) {
            HttpResponse<String> unknown = server.post(route, "{\"email\": \"nobody@hospital.org\"}");
            HttpResponse<String> unconfirmed = server.post(route, "{\"email\": \"new@hospital.org\"}");
            HttpResponse<String> confirmed = server.post(route, "{\"email\": \"ada@hospital.org\"}");

            assertThat(unknown.statusCode()).as(route).isEqualTo(202);
            assertThat(unconfirmed.statusCode()).as(route).isEqualTo(202);
            assertThat(confirmed.statusCode()).as(route).isEqualTo(202);
            assertThat(unconfirmed.body()).as(route).isEqualTo(unknown.body()).isEqualTo(confirmed.body());
        }
    }
}
