package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * My reports: one card per report however often it was sent (contract 3), with where it went, its
 * link to copy or send again, and revoking it (asked first; a revoked report is marked, also when it
 * was revoked elsewhere).
 */
class MyReportsBrowserTest extends BrowserTestBase {
    static String sentTwice;
    static String toRevoke;
    static String revokedElsewhere;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        String alice = site.token("alice@example.org");
        Path twice = site.seal(Site.draft(dir.resolve("d1"), "Ada", "Quill", "Sent twice."), alice, dir.resolve("s1"));
        site.upload(twice, alice);
        site.upload(twice, alice);
        sentTwice = Site.reportId(twice);
        Path revoke = site.seal(Site.draft(dir.resolve("d2"), "Ben", "Rowe", "To revoke."), alice, dir.resolve("s2"));
        site.upload(revoke, alice);
        toRevoke = Site.reportId(revoke);
        Path elsewhere = site.seal(Site.draft(dir.resolve("d3"), "Cy", "Lund", "Revoked by the CLI."), alice, dir.resolve("s3"));
        site.upload(elsewhere, alice);
        revokedElsewhere = Site.reportId(elsewhere);
        site.call("POST", "/api/v1/reports/" + revokedElsewhere + "/revoke", site.keyServerToken(alice, site.url), null);
        openBrowser();
    }

    static String card(String reportId) {
        return "#report-list li[data-report='" + reportId + "']";
    }

    @Test
    void a_report_sent_twice_is_one_card_with_its_link_to_copy_and_send_again() {
        SignIn.as(browser, site, "alice@example.org");
        browser.visible("#report-list");
        assertThat(browser.driver().findElements(By.cssSelector(card(sentTwice)))).hasSize(1);
        assertThat(browser.text(card(sentTwice))).contains("Report " + sentTwice, "Cloud link", "6 days left");
        browser.click(card(sentTwice) + " button.copy-link");
        browser.until(d -> browser.text(card(sentTwice) + " .state").startsWith("Link copied")
                || browser.text(card(sentTwice) + " .state").contains("/app/report/AU/"));
        browser.visible(card(sentTwice) + " button.send-again");
        browser.visible(card(sentTwice) + " a.open");
        shows("reports-list");
    }

    @Test
    void a_report_revoked_elsewhere_is_marked_revoked_and_offers_nothing_to_send() {
        SignIn.as(browser, site, "alice@example.org");
        browser.visible(card(revokedElsewhere));
        browser.until(d -> browser.driver().findElement(By.cssSelector(card(revokedElsewhere))).getAttribute("class")
                .contains("revoked"));
        assertThat(browser.text(card(revokedElsewhere) + " .state")).startsWith("Revoked ");
        assertThat(browser.driver().findElements(By.cssSelector(card(revokedElsewhere) + " .needs-live"))).isEmpty();
        assertThat(browser.driver().findElements(By.cssSelector(".revocation-unchecked")))
                .as("every card's key server answered the one batch request").isEmpty();
    }

    @Test
    void revoking_asks_first_then_the_key_server_gives_the_key_to_nobody() throws Exception {
        SignIn.as(browser, site, "alice@example.org");
        browser.click(card(toRevoke) + " button.revoke");
        assertThat(browser.text(card(toRevoke) + " .confirm")).contains("cannot be undone");
        shows("reports-revoke-confirm");
        browser.click(card(toRevoke) + " .confirm button.secondary");
        assertThat(browser.driver().findElements(By.cssSelector(card(toRevoke) + " .confirm"))).as("kept").isEmpty();
        assertThat(site.send("GET", "/api/v1/reports/" + toRevoke + "/status", null, null).body()).contains("\"revoked\":false");

        browser.click(card(toRevoke) + " button.revoke");
        browser.click(card(toRevoke) + " button.confirm-revoke");
        browser.until(d -> browser.text(card(toRevoke) + " .state").startsWith("Revoked "));
        assertThat(site.send("GET", "/api/v1/reports/" + toRevoke + "/status", null, null).body()).contains("\"revoked\":true");
        shows("reports-revoked");
    }
}
