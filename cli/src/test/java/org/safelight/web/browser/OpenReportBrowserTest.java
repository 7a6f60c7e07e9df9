package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;

/**
 * A sealed report opened in Chromium from a file (dropped or picked): key from the key server,
 * HMAC checked, decrypted and shown; saved back out; its access log; and each way it can fail.
 */
class OpenReportBrowserTest extends BrowserTestBase {
    static Path report;
    static Path opened;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        site.confirmedUser("bob@example.org", "Bob");
        site.confirmedUser("carol@example.net", "Carol");
        Files.writeString(site.dataDir.resolve("blacklist"), "carol@*\n");
        String alice = site.token("alice@example.org");
        report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Pressure injury, sacrum, stage 2."),
                alice, dir.resolve("sent"));
        // What the report holds, opened the Java way, to compare what the browser saves.
        String key = site.call("POST", "/api/v1/reports/" + Site.reportId(report) + "/key",
                site.keyServerToken(alice, site.url), null).path("key").asText();
        opened = new ReportOpener(ZipLimits.REPORT, false).open(report, new ReportKey.Password(key), dir.resolve("opened"))
                .folder();
        openBrowser();
    }


    @Test
    void a_dropped_report_is_decrypted_in_the_browser_and_shown_with_its_media() throws Exception {
        SignIn.as(browser, site, "bob@example.org");
        browser.get(site.url + "/app/#/open");
        browser.visible("#dropzone");
        browser.screenshot("open-1-drop-zone");
        Reports.drop(browser, report);

        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.text("#patient-dob")).as("a birth date never in numbers").isEqualTo("7 March 1961");
        assertThat(browser.text("#patient-id")).isEqualTo("MRN-204817");
        assertThat(browser.text("#consent-type")).isEqualTo("signed");
        assertThat(browser.text("#consent-levels")).isEqualTo("treatment, education");
        assertThat(browser.text("#notes")).isEqualTo("Pressure injury, sacrum, stage 2.");
        assertThat(browser.text("#report-id")).isEqualTo(Site.reportId(report));
        assertThat(browser.text("#clinician")).isEqualTo("Dr Noor Haddad");
        assertThat(browser.visible("#consent-image").getAttribute("src")).startsWith("blob:");
        assertThat(loaded("#consent-image")).isTrue();

        WebElement photo = browser.visible("#photo");
        assertThat(photo.getAttribute("src")).startsWith("blob:");
        assertThat(loaded("#photo")).as("the decrypted photo decodes").isTrue();
        assertThat(browser.text("#photo-position")).isEqualTo("Photo 1 of 2");
        assertThat(photo.getAttribute("data-item")).isEqualTo("wound1");
        browser.driver().findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
        browser.until(d -> browser.text("#photo-position").equals("Photo 2 of 2"));
        assertThat(browser.visible("#photo").getAttribute("data-item")).isEqualTo("wound2");
        browser.driver().findElement(By.tagName("body")).sendKeys(Keys.ARROW_LEFT);
        browser.until(d -> browser.text("#photo-position").equals("Photo 1 of 2"));

        List<WebElement> videos = browser.driver().findElements(By.cssSelector("video.report-video"));
        assertThat(videos).hasSize(1);
        assertThat(videos.get(0).getAttribute("src")).startsWith("blob:");
        List<WebElement> audio = browser.driver().findElements(By.cssSelector("audio.report-audio"));
        assertThat(audio).hasSize(1);
        assertThat(audio.get(0).getAttribute("data-item")).isEqualTo("history");
        assertThat(browser.driver().findElement(By.id("pdf-object")).getAttribute("data")).startsWith("blob:");
        assertThat(browser.text("#decrypted-note")).contains("Decrypted in this browser");
        browser.screenshot("open-2-report");
        browser.script("document.querySelector('#photos').scrollIntoView()");
        browser.screenshot("open-3-photos-and-video");
        browser.script("document.querySelector('#pdf').scrollIntoView()");
        browser.screenshot("open-4-pdf-and-save");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    private boolean loaded(String css) {
        return Boolean.TRUE.equals(browser.until(d -> browser.script(
                "const i = document.querySelector(arguments[0]); return i.complete && i.naturalWidth > 0 ? true : null;",
                css)));
    }

    @Test
    void a_picked_report_saves_a_decrypted_file_and_the_encrypted_one_and_shows_its_access_log() throws Exception {
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, report);
        browser.visible("#report");

        browser.click("a.save-file[data-name='wound1.jpg']");
        assertThat(Files.readAllBytes(browser.downloaded("wound1.jpg")))
                .isEqualTo(Files.readAllBytes(opened.resolve("wound1.jpg")));
        browser.click("#save-encrypted");
        assertThat(Files.readAllBytes(browser.downloaded(report.getFileName().toString())))
                .isEqualTo(Files.readAllBytes(report));

        browser.click("#show-accesses");
        String log = browser.text("#access-table");
        assertThat(log).contains("bob@example.org", "key fetched", "granted");
        assertThat(log).as("a recipient sees only their own entries").doesNotContain("alice@example.org");
        browser.screenshot("open-5-access-log");
    }

    @Test
    void failures_are_explained_and_show_nothing_of_the_report() throws Exception {
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, Files.copy(org.safelight.format.testing.SharedFiles.media("photo-landscape.jpg"),
                dir.resolve("holiday.picsafe")));
        assertFailure("not_picsafe", "not a .picsafe report");
        browser.screenshot("error-not-a-picsafe");

        Reports.pick(browser, Reports.altered(report, dir.resolve("altered/" + report.getFileName())));
        assertFailure("integrity", "the key is wrong or the file was altered");
        browser.screenshot("error-altered");

        String alice = site.token("alice@example.org");
        Path revoked = site.seal(Site.draft(dir.resolve("draft-revoked"), "Ada", "Quill", "to be revoked"), alice,
                dir.resolve("sent-revoked"));
        site.call("POST", "/api/v1/reports/" + Site.reportId(revoked) + "/revoke", site.keyServerToken(alice, site.url),
                null);
        Reports.pick(browser, revoked);
        assertFailure("revoked", "revoked");
        browser.screenshot("error-revoked");

        // Another origin than this site's: the page does not send the user's token there, and offers
        // to type the report key instead (PasswordKeyBrowserTest opens one so).
        Path foreign = site.seal(Site.draft(dir.resolve("draft-foreign"), "Ada", "Quill", "elsewhere"), alice,
                dir.resolve("sent-foreign"), site.url.replace("localhost", "127.0.0.1"));
        Reports.pick(browser, foreign);
        assertThat(browser.text("#key-reason")).contains("not one this site works with");
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
        browser.screenshot("error-foreign-key-server");

        SignIn.as(browser, site, "carol@example.net");
        Reports.pick(browser, report);
        assertFailure("denied", "Access denied");
        browser.screenshot("error-access-denied");
    }

    @Test
    void a_report_still_opening_when_the_user_signs_out_is_never_shown() throws Exception {
        SignIn.as(browser, site, "bob@example.org");
        browser.get(site.url + "/app/#/open");
        browser.visible("#dropzone");
        // Hold the key request until the user has signed out, then let it through.
        browser.script("""
                const real = window.fetch;
                window.__held = [];
                window.fetch = (url, init) => String(url).endsWith('/key')
                  ? new Promise(resolve => window.__held.push(() => resolve(real(url, init).finally(() => { window.__keyDone = true; }))))
                  : real(url, init);
                """);
        Reports.drop(browser, report);
        browser.until(d -> browser.script("return window.__held.length === 1 ? true : null"));
        browser.click("#sign-out");
        browser.visible("#signin-form");

        browser.script("window.__held.forEach(release => release())");
        browser.until(d -> browser.script("return window.__keyDone === true ? true : null"));
        for (int i = 0; i < 30; i++) {
            assertThat(browser.driver().findElements(By.id("report"))).as("the decrypted report after sign-out").isEmpty();
            Thread.sleep(100);
        }
        assertThat(browser.driver().findElements(By.id("signin-form"))).hasSize(1);
        assertThat(browser.driver().findElements(By.id("open-failed"))).isEmpty();
    }

    private void assertFailure(String kind, String text) {
        WebElement failed = browser.visible("#open-failed");
        assertThat(failed.getAttribute("data-kind")).isEqualTo(kind);
        assertThat(failed.getText()).contains(text);
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
    }
}
