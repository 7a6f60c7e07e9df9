package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link NavigationBrowserTest} on a phone, and what only a phone shows. */
@Phone
class NavigationPhoneBrowserTest extends NavigationBrowserTest {

    @Test
    void the_header_folds_behind_a_menu_button_and_sign_out_is_one_tap_away() {
        SignIn.as(browser, site, "alice@example.org");
        browser.visible("#reports");
        assertThat(browser.script("return matchMedia('(pointer: coarse)').matches")).as("a touch screen").isEqualTo(true);
        assertThat(browser.driver().findElement(org.openqa.selenium.By.id("sign-out")).isDisplayed()).isFalse();
        shows("header-folded");
        browser.click("#menu-button");
        assertThat(browser.visible("#menu-button").getAttribute("aria-expanded")).isEqualTo("true");
        browser.visible("#sign-out");
        shows("header-menu-open");
        browser.click("#nav-open");
        browser.visible("#dropzone");
        assertThat(browser.driver().findElement(org.openqa.selenium.By.id("sign-out")).isDisplayed())
                .as("the menu folds again after a choice").isFalse();
        SignIn.out(browser);
        browser.visible("#signin-form");
    }

    @Test
    void on_a_phone_the_drop_zone_speaks_of_tapping_and_every_control_is_44_px() {
        SignIn.as(browser, site, "alice@example.org");
        browser.script("location.hash = '#/open'");
        assertThat(browser.text("#dropzone-text")).contains("Tap").doesNotContain("Drop");
        browser.click("#menu-button");
        @SuppressWarnings("unchecked")
        List<String> small = (List<String>) browser.script("""
                return [...document.querySelectorAll('button, a, label.button, input:not([type=file]), select')]
                  .filter(e => e.offsetParent !== null)
                  .map(e => [e, e.getBoundingClientRect()])
                  .filter(([e, r]) => r.height < 44 || r.width < 44)
                  .map(([e, r]) => (e.id || e.textContent.trim()) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
                """);
        assertThat(small).as("tap targets under 44 px").isEmpty();
    }
}
