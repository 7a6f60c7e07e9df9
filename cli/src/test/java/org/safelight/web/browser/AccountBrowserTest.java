package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign up, confirm, sign in, stay signed in across a reload, sign out: in Chromium against a real server. */
class AccountBrowserTest extends BrowserTestBase {

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        openBrowser();
    }


    @Test
    void a_new_user_signs_up_confirms_signs_in_and_signs_out() throws Exception {
        browser.get(site.url + "/");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(site.url + "/app/");
        browser.click("#to-signup");
        browser.type("#signup-first", "Wren");
        browser.type("#signup-last", "Okafor");
        browser.visible("#signup-country").sendKeys("Ireland");
        assertThat(browser.visible("#signup-country").getAttribute("value")).as("the country from a list").isEqualTo("IE");
        browser.type("#signup-email", "wren@example.org");
        browser.type("#signup-password", Site.PASSWORD);
        browser.type("#signup-password-again", Site.PASSWORD);
        shows("account-1-sign-up");
        browser.click("#signup-submit");
        assertThat(browser.text("#signup-done")).contains("Check your email", "wren@example.org");
        shows("account-2-check-your-email");

        // no session before the address is confirmed; the refusal offers a new link
        browser.click("#to-signin");
        browser.type("#signin-email", "wren@example.org");
        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        assertThat(browser.text("#error")).contains("confirm your email address");
        browser.click("#resend-link");
        assertThat(browser.text("#resent")).contains("wren@example.org");
        site.awaitMessages("wren@example.org", 2);

        // the mailed link opens a page that asks for the sign-up password and whose button confirms
        // (the page has no script: the web's CSP holds); without the password nothing is confirmed
        String link = site.linkTo("wren@example.org");
        browser.get(link);
        browser.type("#password", "not the password at all");
        browser.click("button[type=submit]");
        browser.until(d -> browser.text(".error").contains("not the password chosen at sign-up"));
        browser.type("#password", Site.PASSWORD);
        browser.click("button[type=submit]");
        browser.until(d -> browser.text("h1").equals("Email address confirmed"));
        shows("account-2b-address-confirmed");
        browser.get(site.url + "/app/#/signin");
        browser.type("#signin-email", "wren@example.org");
        browser.type("#signin-password", "not the password at all");
        browser.click("#signin-submit");
        assertThat(browser.text("#error")).contains("do not match");

        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        browser.until(d -> "wren@example.org".equals(whoami()));
        browser.visible("#reports");
        shows("account-3-signed-in");

        // The access token stays in memory; only the refresh token is kept, for this tab.
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return Object.keys(sessionStorage).join()")).isEqualTo("safelight.refresh_token");
        String refreshToken = (String) browser.script("return sessionStorage.getItem('safelight.refresh_token')");

        browser.driver().navigate().refresh();
        browser.until(d -> "wren@example.org".equals(whoami()));
        String rotated = (String) browser.script("return sessionStorage.getItem('safelight.refresh_token')");
        assertThat(rotated).as("a reload trades the refresh token for a new one").isNotEqualTo(refreshToken);

        SignIn.out(browser);
        browser.visible("#signin-form");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(site.send("POST", "/api/v1/accounts/refresh", null, "{\"refresh_token\":\"" + rotated + "\"}")
                .statusCode()).as("the session ended on the server too").isEqualTo(401);
        shows("account-4-signed-out");
    }

    static Object whoami() {
        return browser.script("return document.getElementById('whoami').textContent");
    }

    @Test
    void signing_out_while_the_session_is_being_refreshed_ends_it() throws Exception {
        site.confirmedUser("ines@example.org", "Ines");
        SignIn.as(browser, site, "ines@example.org");
        browser.visible("#reports");
        // The next API call finds the access token expired (401); the answer to the refresh it
        // starts reaches the page only after the user has signed out.
        browser.script("""
                const real = window.fetch;
                window.__held = [];
                let expired = false;
                window.fetch = (url, init) => {
                  const u = String(url);
                  if (u.endsWith('/api/v1/accounts/me/reports') && !expired) {
                    expired = true;
                    return Promise.resolve(new Response('{"error":"unauthorized"}', {status: 401}));
                  }
                  if (u.endsWith('/api/v1/accounts/refresh')) {
                    const answer = real(url, init).finally(() => { window.__refreshed = true; });
                    return new Promise(resolve => window.__held.push(() => resolve(answer)));
                  }
                  return real(url, init);
                };
                location.hash = '#/';
                """);
        browser.until(d -> browser.script("return window.__held.length === 1 && window.__refreshed ? true : null"));
        SignIn.out(browser);
        browser.visible("#signin-form");

        browser.script("window.__held.forEach(release => release())");
        for (int i = 0; i < 20; i++) {
            Thread.sleep(100);
            assertThat(browser.script("return sessionStorage.getItem('safelight.refresh_token') === null"))
                    .as("no session comes back after sign-out").isEqualTo(true);
        }
        assertThat(browser.driver().findElements(org.openqa.selenium.By.id("reports"))).isEmpty();
        browser.visible("#signin-form");
    }

    @Test
    void a_forgotten_password_is_asked_for_by_address_and_the_page_says_what_happens_next() throws Exception {
        site.confirmedUser("forgetful@example.org", "Fern");
        browser.reset(site.url);
        browser.get(site.url + "/app/#/signin");
        browser.click("#to-forgot-password");
        browser.type("#forgot-password-email", "forgetful@example.org");
        shows("account-5-forgot-password");
        browser.click("#forgot-password-submit");
        assertThat(browser.text("#forgot-password-done")).contains("forgetful@example.org", "within one hour",
                "choose a new password");
        site.awaitMessages("forgetful@example.org", 2); // the confirmation, then the reset link
        assertThat(site.linkTo("forgetful@example.org")).contains("/app/reset-password");
        shows("account-6-reset-link-sent");
    }

    @Test
    void the_confirmation_email_can_be_sent_again_from_the_sign_in_page() throws Exception {
        site.call("POST", "/api/v1/accounts/signup", null, "{\"email\":\"late@example.org\",\"password\":\""
                + Site.PASSWORD + "\",\"first_name\":\"Lee\",\"last_name\":\"Tester\"}");
        site.awaitMessages("late@example.org", 1);
        browser.reset(site.url);
        browser.get(site.url + "/app/#/signin");
        browser.click("#to-resend");
        browser.type("#resend-confirmation-email", "late@example.org");
        browser.click("#resend-confirmation-submit");
        assertThat(browser.text("#resend-confirmation-done")).contains("late@example.org", "within 24 hours");
        site.awaitMessages("late@example.org", 2);
        shows("account-7-confirmation-resent");
    }

    @Test
    void sign_up_asks_the_password_twice_and_says_what_is_wrong_next_to_the_field() {
        browser.reset(site.url);
        browser.get(site.url + "/app/#/signup");
        browser.type("#signup-last", "Okafor");
        browser.type("#signup-email", "not an address");
        browser.type("#signup-password", Site.PASSWORD);
        browser.type("#signup-password-again", Site.PASSWORD + "!");
        browser.click("#signup-submit");
        for (String[] wrong : new String[][] {{"signup-first", "first name"}, {"signup-email", "such as name@example.org"},
                {"signup-password-again", "The two passwords differ"}}) {
            var input = browser.visible("#" + wrong[0]);
            assertThat(input.getAttribute("aria-invalid")).as(wrong[0]).isEqualTo("true");
            assertThat(input.getAttribute("aria-describedby")).isEqualTo(wrong[0] + "-error");
            assertThat(browser.text("#" + wrong[0] + "-error")).contains(wrong[1]);
        }
        assertThat(browser.visible("#signup-last").getAttribute("aria-invalid")).isNull();
        assertThat(browser.script("return document.activeElement.id")).as("focus on the first wrong field")
                .isEqualTo("signup-first");
        assertThat(browser.driver().findElements(org.openqa.selenium.By.id("signup-done"))).isEmpty();
        shows("account-8-sign-up-errors");
    }
}
