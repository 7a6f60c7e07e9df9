package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.safelight.format.testing.HostileZips;

/**
 * A file that reads as one report front to back (the CLI, sync) and as another by its central
 * directory (the browser): dropped in My Safelight it shows an error, never the hidden report.
 */
class SplitViewReportBrowserTest extends BrowserTestBase {
    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("mallory@example.org", "Mallory");
        site.confirmedUser("bob@example.org", "Bob");
        openBrowser();
    }

    @Test
    void a_split_view_report_dropped_in_the_page_shows_an_error_not_a_report() throws Exception {
        String mallory = site.token("mallory@example.org");
        Path shown = site.seal(Site.draft(dir.resolve("a"), "Ada", "Quill", "What the CLI shows."), mallory,
                dir.resolve("sent-a"));
        Path hidden = site.seal(Site.draft(dir.resolve("b"), "Eve", "Hidden", "What the browser would show."),
                mallory, dir.resolve("sent-b"));
        Path hostile = Files.write(dir.resolve("split.picsafe"),
                HostileZips.splitView(Files.readAllBytes(shown), Files.readAllBytes(hidden)));

        SignIn.as(browser, site, "bob@example.org");
        browser.get(site.url + "/app/#/open");
        browser.visible("#dropzone");
        Reports.drop(browser, hostile);

        WebElement failed = browser.visible("#open-failed");
        assertThat(failed.getAttribute("data-kind")).isEqualTo("not_picsafe");
        assertThat(failed.getText()).contains("unexpected bytes");
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
        assertThat(browser.driver().getPageSource()).doesNotContain("Hidden");
        browser.screenshot("split-view-report-refused");
    }
}
