package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;

/**
 * Reports opened with a report key typed in the page, as the CLI's {@code open --password} does:
 * one whose key server is not one this site works with, and one that names no key server at all.
 * A wrong key is said next to the field, and the next try needs no second reading of the file.
 */
class PasswordKeyBrowserTest extends BrowserTestBase {
    static final String KEY = "the-report-key-given-by-phone";
    static Path elsewhere;
    static Path noKeyServer;
    /** A key with spaces at its edges, which {@code open --password} takes as it is. */
    static final String SPACED_KEY = "  spaced report key ";
    static Path spaced;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("bob@example.org", "Bob");
        Draft draft = Draft.load(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Sealed with a typed key."),
                Clock.systemUTC());
        Files.createDirectories(dir.resolve("sent"));
        elsewhere = Sealer.seal(draft, new Protection.DynamicKey(KEY, "https://keys.example.org"), dir.resolve("sent"));
        noKeyServer = withoutKeyServer(elsewhere, dir.resolve("bare/" + elsewhere.getFileName()));
        Files.createDirectories(dir.resolve("spaced"));
        spaced = withoutKeyServer(Sealer.seal(draft, new Protection.DynamicKey(SPACED_KEY, "https://keys.example.org"),
                dir.resolve("spaced")), dir.resolve("spaced-bare/report.picsafe"));
        openBrowser();
    }

    /** The same report with a package.json that names only its report ID (no key server). */
    static Path withoutKeyServer(Path picsafe, Path out) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(picsafe)));
             ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals("package.json")) {
                    content = ("{\"report_id\":\"" + Site.reportId(picsafe) + "\"}").getBytes(StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(content);
                zip.closeEntry();
            }
        }
        Files.createDirectories(out.getParent());
        return Files.write(out, bytes.toByteArray());
    }

    @Test
    void a_report_whose_key_server_gives_no_key_opens_with_the_key_typed_after_a_wrong_one() {
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, elsewhere);
        assertThat(browser.text("#key-reason")).contains("not one this site works with", "type it here");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("key-title");
        assertThat(browser.driver().getTitle()).isEqualTo("Type the report key · My Safelight");
        Views.fit(browser);
        shows("report-key-asked");
        // Counts readings of the file from here on: a second try must use the bytes in memory.
        browser.script("""
                window.__reads = 0;
                const real = Blob.prototype.arrayBuffer;
                Blob.prototype.arrayBuffer = function () { window.__reads++; return real.call(this); };
                """);

        browser.type("#report-key", "not-the-key");
        browser.click("#open-with-key");
        WebElement field = browser.until(d -> {
            java.util.List<WebElement> f = d.findElements(By.id("report-key"));
            return !f.isEmpty() && "true".equals(f.get(0).getAttribute("aria-invalid")) ? f.get(0) : null;
        });
        assertThat(browser.text("#report-key-error")).isEqualTo("This key does not open the report. Check it and try again.");
        assertThat(field.getAttribute("aria-describedby")).contains("report-key-error");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("report-key");
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
        Views.fit(browser);
        shows("report-key-wrong");

        browser.type("#report-key", KEY);
        browser.click("#open-with-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.text("#notes")).isEqualTo("Sealed with a typed key.");
        assertThat(browser.script("return window.__reads")).as("the file was not read again").isEqualTo(0L);
    }

    @Test
    void a_report_that_names_no_key_server_asks_for_its_key_and_opens() {
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, noKeyServer);
        assertThat(browser.text("#key-reason")).contains("names no key server");
        browser.click("#open-with-key");
        assertThat(browser.text("#report-key-error")).isEqualTo("Type the report key first.");
        browser.type("#report-key", KEY);
        browser.click("#open-with-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.driver().findElements(By.id("show-accesses"))).as("no key server, no access log").isEmpty();
    }

    @Test
    void a_key_with_spaces_at_its_edges_is_taken_as_typed_as_the_cli_takes_it() {
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, spaced);
        browser.type("#report-key", SPACED_KEY);
        browser.click("#open-with-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
    }
}
