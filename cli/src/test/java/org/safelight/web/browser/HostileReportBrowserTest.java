package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** A report whose patient name and notes are HTML and script is shown as text, and nothing of it runs. */
class HostileReportBrowserTest extends BrowserTestBase {
    static final String NAME_PAYLOAD = "<img src=x onerror=\"window.__pwned='img';document.title='pwned'\">";
    static final String LAST_PAYLOAD = "<script>window.__pwned='script';document.title='pwned'</script>";
    static final String NOTES_PAYLOAD = "<b onmouseover=\"window.__pwned='b'\">bold</b><svg onload=\"window.__pwned='svg'\">"
            + "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>";


    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("mallory@example.org", "Mallory");
        site.confirmedUser("bob@example.org", "Bob");
        openBrowser();
    }


    @Test
    void hostile_html_in_a_report_is_shown_literally_and_never_runs() throws Exception {
        Path report = site.seal(Site.draft(dir.resolve("draft"), NAME_PAYLOAD, LAST_PAYLOAD, NOTES_PAYLOAD),
                site.token("mallory@example.org"), dir.resolve("sent"));
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, report);
        browser.visible("#report");
        String title = "Report " + Site.reportId(report) + " · My Safelight";

        assertThat(browser.text("#patient-name")).isEqualTo(NAME_PAYLOAD + " " + LAST_PAYLOAD);
        assertThat(browser.text("#notes")).isEqualTo(NOTES_PAYLOAD);
        assertThat(browser.driver().findElement(By.cssSelector("#report h1")).getText()).contains(NAME_PAYLOAD);
        // Give any handler a chance: hover the notes, wait for the photos to load.
        new org.openqa.selenium.interactions.Actions(browser.driver())
                .moveToElement(browser.visible("#notes")).perform();
        browser.until(d -> browser.script("return document.querySelector('#photo').complete"));

        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
        assertThat(browser.driver().getTitle()).as("the title never names the patient (it goes into the history)")
                .startsWith("Report ").endsWith(" · My Safelight").doesNotContain(NAME_PAYLOAD);
        assertThat(browser.driver().findElements(By.cssSelector("#report img[src='x'], #report script, #report svg, "
                + "#report iframe, #report b"))).isEmpty();
        browser.screenshot("hostile-report-shown-as-text");
    }
}
