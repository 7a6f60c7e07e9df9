package org.safelight.web.browser;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.web.testing.Browser;

/**
 * What a browser test class shares between its tests: a full server ({@link Site}) and one Chromium.
 * A subclass starts the site in its {@code @BeforeAll} and then calls {@link #openBrowser()}; both
 * are closed after the class.
 */
abstract class BrowserTestBase {
    @TempDir
    static Path dir;
    static Site site;
    static Browser browser;

    static void openBrowser() {
        browser = new Browser(dir.resolve("downloads"));
    }

    @AfterAll
    static void closeBrowserAndSite() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (site != null) {
            site.close();
            site = null;
        }
    }
}
