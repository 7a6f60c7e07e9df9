package org.safelight.web.browser;

import org.safelight.web.testing.Browser;

/** Signing a user in through the page. */
final class SignIn {
    private SignIn() {
    }

    static void as(Browser browser, Site site, String email) {
        browser.reset(site.url);
        browser.get(site.url + "/app/#/signin");
        browser.type("#signin-email", email);
        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        browser.until(d -> browser.text("#whoami").startsWith(email));
    }
}
