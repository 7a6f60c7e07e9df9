package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;

/**
 * The share-link page, signed out: on a computer it offers this computer, a QR code and a copy
 * button; on a phone one big "Open it here". A revoked or expired report says so at once, before
 * anyone signs in. The server's clock moves 8 days for the last test, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShareLinkBrowserTest extends BrowserTestBase {
    static TestClock clock = new TestClock();
    static String link;
    static String revokedLink;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"), clock);
        site.confirmedUser("alice@example.org", "Alice");
        String alice = site.token("alice@example.org");
        Path report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Shared."), alice, dir.resolve("sent"));
        link = site.upload(report, alice).path("link").asText();
        Path revoked = site.seal(Site.draft(dir.resolve("draft-revoked"), "Ada", "Quill", "Revoked."), alice,
                dir.resolve("sent-revoked"));
        revokedLink = site.upload(revoked, alice).path("link").asText();
        site.call("POST", "/api/v1/reports/" + Site.reportId(revoked) + "/revoke", site.keyServerToken(alice, site.url),
                null);
        openBrowser();
    }

    private static void landOn(String url) {
        browser.reset(site.url);
        browser.get(url);
        browser.until(d -> "true".equals(browser.script("return document.getElementById('share')?.dataset.checked ?? null"))
                || !d.findElements(By.id("revoked")).isEmpty() || !d.findElements(By.id("expired")).isEmpty());
    }

    @Test
    @Order(1)
    void the_page_offers_what_fits_the_device_it_is_opened_on() {
        landOn(link);
        if (onPhone()) {
            WebElement open = browser.visible("#open-here");
            assertThat(open.getText()).isEqualTo("Open it here");
            assertThat(open.getSize().getHeight()).as("a tap target of 44 px or more").isGreaterThanOrEqualTo(44);
            assertThat(browser.driver().findElement(By.id("to-phone")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElement(By.id("view-here")).isDisplayed()).isFalse();
        } else {
            browser.visible("#view-here");
            WebElement qr = browser.visible("#share-qr svg");
            assertThat(qr.getSize().getWidth()).isGreaterThan(100);
            assertThat(browser.driver().findElement(By.id("open-here")).isDisplayed()).isFalse();
            assertThat(browser.text("#share-link")).isEqualTo(link);
            browser.click("#copy-link");
            String status = browser.until(d -> {
                String now = browser.text("#copy-status");
                return now.isEmpty() ? null : now;
            });
            assertThat(status).containsAnyOf("Link copied", "copy the selected link");
        }
        assertThat(browser.driver().getTitle()).isEqualTo("A report is waiting for you · Safelight");
        Views.fit(browser);
        shows("share-link-page");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    @Order(2)
    void a_revoked_report_says_so_before_anyone_signs_in_and_offers_nothing_to_open() {
        landOn(revokedLink);
        assertThat(browser.text("#revoked")).contains("revoked", "cannot be opened");
        assertThat(browser.text("h1")).isEqualTo("This report was revoked");
        assertThat(browser.text("main")).doesNotContain("can be downloaded until");
        assertThat(browser.driver().findElements(By.cssSelector("#open-here, #view-here, #share-qr"))).isEmpty();
        assertThat(browser.script("return sessionStorage.length + localStorage.length")).isEqualTo(0L);
        Views.fit(browser);
        shows("share-link-revoked");
    }

    @Test
    @Order(3)
    void an_expired_report_says_so_before_anyone_signs_in() {
        clock.advance(Duration.ofDays(8));
        landOn(link);
        assertThat(browser.text("#expired")).contains("kept for 7 days");
        assertThat(browser.driver().findElements(By.cssSelector("#open-here, #view-here"))).isEmpty();
        Views.fit(browser);
        shows("share-link-expired");
    }

    /** One test of "on a phone" for every page (dom.js onPhone): a mouse-driven window under 40rem counts. */
    @Test
    @Order(0) // before the clock moves past the link's expiry
    void a_window_narrower_than_40rem_is_a_phone_even_without_a_touch_screen() {
        if (onPhone()) {
            // the phone twin's window is narrow already: the page must say so without any override
            landOn(link);
            assertThat(browser.script("return document.body.dataset.device")).isEqualTo("phone");
            return;
        }
        HasCdp cdp = (HasCdp) browser.driver();
        cdp.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 620, "height", 900, "deviceScaleFactor", 1, "mobile", false));
        try {
            landOn(link);
            assertThat(browser.script("return matchMedia('(pointer: coarse)').matches")).isEqualTo(false);
            assertThat(browser.script("return document.body.dataset.device")).isEqualTo("phone");
        } finally {
            cdp.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }
}
