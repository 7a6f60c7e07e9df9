package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.safelight.format.testing.SharedFiles;

/** {@link ComposeBrowserTest} on a phone, and what a thumb needs there. */
@Phone
class ComposePhoneBrowserTest extends ComposeBrowserTest {

    @Test
    void on_a_phone_every_control_of_the_composer_is_44_px_and_seal_and_send_stays_in_reach() {
        SignIn.as(browser, site, "alice@example.org");
        NewReportPage.open(browser);
        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-landscape.jpg"));
        NewReportPage.untilItems(browser, 1);
        browser.click("label[for=consent-signed]");
        browser.visible("#signature-pad");
        @SuppressWarnings("unchecked")
        List<String> small = (List<String>) browser.script("""
                return [...document.querySelectorAll('#compose button, #compose a, #compose label.button,'
                    + ' #compose label.check, #compose label.choice-button, #compose input:not([type=file]):not([type=checkbox])'
                    + ':not([type=radio]), #compose textarea')]
                  .filter(e => e.offsetParent !== null)
                  .map(e => [e, e.getBoundingClientRect()])
                  .filter(([e, r]) => r.height < 44 || r.width < 44)
                  .map(([e, r]) => (e.id || e.textContent.trim()) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
                """);
        assertThat(small).as("tap targets under 44 px").isEmpty();
        Views.fit(browser);
        browser.script("window.scrollTo(0, 0)");
        assertThat(browser.script("""
                const r = document.getElementById('seal-and-send').getBoundingClientRect();
                return r.bottom <= innerHeight && r.top >= innerHeight / 2;
                """)).as("Seal and send sits at the bottom of the screen").isEqualTo(true);
        shows("compose-phone-top");
        leaveAndDiscard();
    }
}
