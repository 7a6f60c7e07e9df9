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
        browser.until(d -> browser.script("return document.getElementById('whoami').textContent").toString()
                .startsWith(email));
    }

    /** Opens the header's menu when it is folded (a phone), so that its links and sign-out can be tapped. */
    static void openMenu(Browser browser) {
        var button = browser.driver().findElements(org.openqa.selenium.By.id("menu-button"));
        if (!button.isEmpty() && button.get(0).isDisplayed() && "false".equals(button.get(0).getAttribute("aria-expanded"))) {
            button.get(0).click();
        }
    }

    /** Presses a link or button of the header's navigation (through the menu on a phone). */
    static void nav(Browser browser, String css) {
        openMenu(browser);
        browser.click(css);
    }

    static void out(Browser browser) {
        nav(browser, "#sign-out");
    }
}
