package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;

/**
 * The report view: photos first with focus on its heading and a title of its own, a video's
 * thumbnail as its poster, the PDF inline or (on a phone) as links, "Save all" as one ZIP of the
 * decrypted files, printing the details and photos without the page's controls, and "Close report",
 * which wipes the report from the page and its blob: URLs.
 */
class ReportViewBrowserTest extends BrowserTestBase {
    static Path report;
    static Path opened;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        site.confirmedUser("bob@example.org", "Bob");
        String alice = site.token("alice@example.org");
        report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Left heel, stage 1."), alice,
                dir.resolve("sent"));
        String key = site.call("POST", "/api/v1/reports/" + Site.reportId(report) + "/key",
                site.keyServerToken(alice, site.url), null).path("key").asText();
        opened = new ReportOpener(ZipLimits.REPORT, false).open(report, new ReportKey.Password(key), dir.resolve("opened"))
                .folder();
        openBrowser();
    }

    private static void openIt() {
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, report);
        browser.visible("#report");
    }

    @Test
    void the_report_opens_with_its_photos_first_its_heading_focused_and_a_title_without_the_patients_name() {
        openIt();
        browser.until(d -> "report-title".equals(browser.script("return document.activeElement.id")));
        assertThat(browser.driver().getTitle()).isEqualTo("Report " + Site.reportId(report) + " · My Safelight");
        assertThat(browser.script("return document.querySelector('#report > section').id")).isEqualTo("photos");
        WebElement video = browser.visible("video.report-video");
        assertThat(video.getAttribute("poster")).as("the video's thumbnail").startsWith("blob:");
        assertThat(browser.text("#patient-dob")).isEqualTo("7 March 1961");

        if (onPhone()) {
            WebElement photo = browser.visible("#photo");
            long width = (Long) browser.script("return document.documentElement.clientWidth");
            assertThat((long) photo.getSize().getWidth()).as("the photo spans the phone's width")
                    .isBetween(width - 20, width);
            swipe(-120);
            browser.until(d -> browser.text("#photo-position").equals("Photo 2 of 2"));
            swipe(120);
            browser.until(d -> browser.text("#photo-position").equals("Photo 1 of 2"));
            assertThat(browser.visible("#pdf").getAttribute("data-inline")).isEqualTo("false");
            assertThat(browser.driver().findElements(By.id("pdf-object"))).as("a phone shows no PDF in a page").isEmpty();
        } else {
            browser.click("#photo-next");
            browser.until(d -> browser.text("#photo-position").equals("Photo 2 of 2"));
            assertThat(browser.driver().findElement(By.id("pdf-object")).getAttribute("data")).startsWith("blob:");
        }
        assertThat(browser.visible("#pdf-open").getAttribute("href")).startsWith("blob:");
        assertThat(browser.visible("#pdf-save").getAttribute("download")).isEqualTo("report.pdf");
        for (WebElement control : browser.driver().findElements(By.cssSelector("#report-actions > *, #photos button"))) {
            assertThat(control.getSize().getHeight()).as("tap target " + control.getText()).isGreaterThanOrEqualTo(44);
        }
        Views.fit(browser);
        shows("report-view");
        browser.script("document.querySelector('#pdf').scrollIntoView()");
        Views.fit(browser);
        shows("report-view-pdf");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    private static void swipe(int dx) {
        browser.script("""
                const frame = document.getElementById('photo-frame');
                const box = frame.getBoundingClientRect();
                const at = (x) => new Touch({identifier: 1, target: frame, clientX: x, clientY: box.top + 50});
                const x0 = box.left + box.width / 2;
                frame.dispatchEvent(new TouchEvent('touchstart', {touches: [at(x0)], changedTouches: [at(x0)], bubbles: true}));
                frame.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [at(x0 + arguments[0])], bubbles: true}));
                """, dx);
    }

    @Test
    void save_all_downloads_one_zip_holding_exactly_the_decrypted_files_and_the_sealed_file_saves_as_it_was()
            throws Exception {
        openIt();
        browser.click("#save-all");
        Path zip = browser.downloaded(Site.reportId(report) + "-decrypted.zip");
        Map<String, byte[]> saved = new TreeMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(file.entries())) {
                saved.put(e.getName(), file.getInputStream(e).readAllBytes());
            }
        }
        Map<String, byte[]> expected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(opened)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                expected.put(opened.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        assertThat(saved.keySet()).isEqualTo(expected.keySet()).contains("metadata.json", "wound1.jpg", "gait.m4v");
        for (String name : expected.keySet()) {
            assertThat(saved.get(name)).as(name).isEqualTo(expected.get(name));
        }
        browser.click("#save-encrypted");
        assertThat(Files.readAllBytes(browser.downloaded(report.getFileName().toString())))
                .isEqualTo(Files.readAllBytes(report));
    }

    @Test
    void printing_shows_the_details_and_every_photo_but_none_of_the_pages_controls() {
        openIt();
        media("print");
        try {
            assertThat(browser.driver().findElement(By.cssSelector("header.top")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElement(By.id("report-actions")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElement(By.id("save")).isDisplayed()).isFalse();
            assertThat(browser.driver().findElement(By.id("photo")).isDisplayed()).as("the one-at-a-time viewer").isFalse();
            assertThat(browser.driver().findElements(By.cssSelector(".print-photos img")))
                    .hasSize(2).allMatch(WebElement::isDisplayed);
            assertThat(browser.visible("#patient-name").getText()).isEqualTo("Ada Quill");
            assertThat(browser.visible("#notes").getText()).isEqualTo("Left heel, stage 1.");
            browser.screenshot("report-print");
        } finally {
            media("");
        }
    }

    private static void media(String type) {
        ((org.openqa.selenium.chromium.HasCdp) browser.driver()).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("media", type));
    }

    @Test
    void close_report_wipes_it_from_the_page_and_releases_its_decrypted_files() {
        openIt();
        String photoUrl = browser.visible("#photo").getAttribute("src");
        browser.click("#close-report");
        browser.until(d -> d.findElements(By.id("report")).isEmpty());
        browser.until(d -> browser.driver().getCurrentUrl().endsWith("#/reports"));
        assertThat(browser.driver().findElement(By.tagName("body")).getText()).doesNotContain("Ada Quill", "Left heel");
        Object fetched = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0]).then(() => done('still there'), () => done('released'));
                """, photoUrl);
        assertThat(fetched).isEqualTo("released");
        Views.fit(browser);
        shows("report-closed");
    }
}
