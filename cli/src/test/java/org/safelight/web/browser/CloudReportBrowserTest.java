package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * Reports that travel through the cloud: my reports with their expiry, opening one from the list,
 * the share link's landing page (sign in, then it opens), and what an expired link shows. The
 * server's clock is moved 8 days for the last test, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloudReportBrowserTest extends BrowserTestBase {
    static TestClock clock = new TestClock();
    static String reportId;
    static String link;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"), clock);
        site.confirmedUser("alice@example.org", "Alice");
        site.confirmedUser("bob@example.org", "Bob");
        String alice = site.token("alice@example.org");
        Path report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Sent through the cloud."), alice,
                dir.resolve("sent"));
        reportId = Site.reportId(report);
        JsonNode uploaded = site.upload(report, alice);
        link = uploaded.path("link").asText();
        assertThat(link).startsWith(site.url + "/app/report/AU/").endsWith("-" + reportId);
        openBrowser();
    }


    @Test
    @Order(1)
    void my_reports_lists_the_upload_with_its_expiry_and_opens_it() {
        SignIn.as(browser, site, "alice@example.org");
        browser.get(site.url + "/app/#/reports");
        String row = browser.text("#report-list li[data-report='" + reportId + "']");
        assertThat(row).contains(reportId, "6 days left");
        browser.screenshot("reports-1-list");
        browser.click("#report-list li[data-report='" + reportId + "'] a.open");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.text("#notes")).isEqualTo("Sent through the cloud.");
        browser.screenshot("reports-2-opened-from-list");
    }

    @Test
    @Order(2)
    void a_share_link_offers_this_computer_then_signs_in_and_opens_the_report() {
        browser.reset(site.url);
        browser.get(link);
        assertThat(browser.text("#report-id")).isEqualTo(reportId);
        if (!onPhone()) {
            assertThat(browser.text("#share-link")).isEqualTo(link);
        }
        shows("link-1-landing-page");
        browser.click(onPhone() ? "#open-here" : "#view-here");
        assertThat(browser.text("#notice")).contains("open the report you were sent");
        browser.type("#signin-email", "bob@example.org");
        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        browser.click("#show-accesses");
        assertThat(browser.text("#access-table")).contains("bob@example.org", "key fetched");
        browser.screenshot("link-2-opened-after-sign-in");
    }

    @Test
    @Order(3)
    void a_new_user_signs_up_from_a_share_link_confirms_and_then_the_report_opens() throws Exception {
        browser.reset(site.url);
        browser.get(link);
        browser.click(onPhone() ? "#open-here" : "#view-here");
        browser.click("#to-signup");
        browser.type("#signup-first", "Dana");
        browser.type("#signup-last", "Reyes");
        browser.type("#signup-email", "dana@example.org");
        browser.type("#signup-password", Site.PASSWORD);
        browser.type("#signup-password-again", Site.PASSWORD);
        browser.click("#signup-submit");
        browser.visible("#signup-done");
        site.confirm("dana@example.org");
        browser.click("#to-signin");
        browser.type("#signin-email", "dana@example.org");
        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.driver().getCurrentUrl()).endsWith(link.substring(link.lastIndexOf('/')));
        browser.screenshot("link-3-opened-after-sign-up");
    }

    @Test
    @Order(4)
    void an_expired_link_answers_410_with_a_page_and_the_report_cannot_be_opened() throws Exception {
        clock.advance(Duration.ofDays(8));
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(410);
        browser.get(link);
        assertThat(browser.text("#expired")).contains("kept for 7 days");
        browser.screenshot("link-4-expired");

        HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(link.replaceAll("/AU/[A-Za-z0-9]{22}-", "/AU/AAAAAAAAAAAAAAAAAAAAAA-"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        browser.get(unknown.uri().toString());
        assertThat(browser.text("#unknown")).contains("whole link");
        browser.screenshot("link-5-unknown");

        SignIn.as(browser, site, "alice@example.org");
        browser.get(site.url + "/app/#/reports");
        assertThat(browser.text("#report-list li[data-report='" + reportId + "'] .expiry")).isEqualTo("expired");
        assertThat(browser.driver().findElements(By.cssSelector("#report-list a.open"))).isEmpty();
        browser.get(site.url + "/app/#/link/AU/" + link.substring(link.lastIndexOf('/') + 1));
        assertThat(browser.visible("#open-failed").getAttribute("data-kind")).isEqualTo("expired");
        assertThat(browser.text("#open-failed")).contains("This link has expired");
        browser.screenshot("error-link-expired");
    }
}
