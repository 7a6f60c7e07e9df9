package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Moving around My Safelight: the header (folded behind Menu on a phone, sign-out always reachable),
 * "Open a file", a title and focus per view, views whose data comes late, and what a keyboard or a
 * finger needs (visible focus, contrast of controls, tap targets).
 */
class NavigationBrowserTest extends BrowserTestBase {
    static Path report;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Seen on the ward."),
                site.token("alice@example.org"), dir.resolve("sent"));
        openBrowser();
    }

    @Test
    void open_a_file_opens_the_drop_zone_even_when_a_report_opened_from_it_is_on_screen() {
        SignIn.as(browser, site, "alice@example.org");
        Reports.pick(browser, report);
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/open");

        SignIn.nav(browser, "#nav-open");
        browser.visible("#dropzone");
        assertThat(browser.driver().findElements(By.id("report"))).as("the report is closed").isEmpty();
        shows("open-file");
    }

    @Test
    void a_view_whose_data_arrives_after_the_user_moved_on_is_never_drawn() throws Exception {
        SignIn.as(browser, site, "alice@example.org");
        browser.visible("#reports");
        // The list's answer is held back until the user is on another view, then let through.
        browser.script("""
                const real = window.fetch;
                window.__held = [];
                window.fetch = (url, init) => String(url).endsWith('/api/v1/accounts/me/reports')
                  ? new Promise(resolve => window.__held.push(() => resolve(real(url, init).finally(() => { window.__done = true; }))))
                  : real(url, init);
                location.hash = '#/';
                """);
        browser.until(d -> browser.script("return window.__held.length === 1 ? true : null"));
        SignIn.nav(browser, "#nav-open");
        browser.visible("#dropzone");

        browser.script("window.__held.forEach(release => release())");
        browser.until(d -> browser.script("return window.__done === true ? true : null"));
        for (int i = 0; i < 20; i++) {
            assertThat(browser.driver().findElements(By.id("reports"))).as("the late list is not drawn").isEmpty();
            Thread.sleep(50);
        }
        browser.visible("#dropzone");
    }

    @Test
    void each_view_has_its_own_title_and_focus_moves_to_its_heading() {
        SignIn.as(browser, site, "alice@example.org");
        for (String[] view : List.of(new String[] {"#/reports", "My reports"}, new String[] {"#/open", "Open a .picsafe file"},
                new String[] {"#/nowhere", "Not found"})) {
            browser.script("location.hash = arguments[0]", view[0]);
            browser.until(d -> (view[1] + " · My Safelight").equals(browser.script("return document.title")));
            assertThat(browser.script("return document.activeElement.tagName + ' ' + document.activeElement.textContent"))
                    .as(view[0]).isEqualTo("H1 " + view[1]);
        }
        SignIn.out(browser);
        browser.until(d -> "Sign in · My Safelight".equals(browser.script("return document.title")));
    }

    @Test
    void the_file_chooser_shows_keyboard_focus() {
        SignIn.as(browser, site, "alice@example.org");
        browser.script("location.hash = '#/open'");
        browser.visible("#dropzone");
        browser.script("document.getElementById('file-input').focus()");
        assertThat(browser.script("const s = getComputedStyle(document.getElementById('choose-file'));"
                + " return s.outlineStyle + ' ' + parseFloat(s.outlineWidth)")).isEqualTo("solid 3");
    }

    @Test
    void the_borders_of_controls_stand_out_3_to_1_from_their_background() {
        browser.reset(site.url);
        browser.get(site.url + "/app/#/signup");
        browser.visible("#signup-form");
        @SuppressWarnings("unchecked")
        List<String> weak = (List<String>) browser.script("""
                const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
                  .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
                  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
                const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
                const background = e => {
                  for (let p = e.parentElement; p; p = p.parentElement) {
                    const c = getComputedStyle(p).backgroundColor;
                    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return rgb(c);
                  }
                  return [255, 255, 255];
                };
                return [...document.querySelectorAll('#signup-form input, #signup-form select, #signup-form button')]
                  .filter(e => ratio(rgb(getComputedStyle(e).borderTopColor), background(e)) < 3)
                  .map(e => e.id + ' ' + ratio(rgb(getComputedStyle(e).borderTopColor), background(e)).toFixed(2));
                """);
        assertThat(weak).isEmpty();
    }
}
