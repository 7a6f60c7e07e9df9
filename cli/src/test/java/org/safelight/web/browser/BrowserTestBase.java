package org.safelight.web.browser;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.web.testing.Browser;

/**
 * What a browser test class shares between its tests: a full server ({@link Site}) and one Chromium.
 * A subclass starts the site in its {@code @BeforeAll} and then calls {@link #openBrowser()}; both
 * are closed after the class. The browser has the desktop's size, or the phone's when the running
 * class is annotated {@link Phone} (an empty {@code @Phone} subclass runs a whole class on a phone).
 */
@ExtendWith(BrowserTestBase.SizeOfTheClass.class)
abstract class BrowserTestBase {
    @TempDir
    static Path dir;
    static Site site;
    static Browser browser;
    private static Browser.Size size = Browser.Size.DESKTOP;

    static void openBrowser() {
        browser = new Browser(dir.resolve("downloads"), size);
    }

    /** Whether this class runs on a phone (for what only a phone or only a desktop shows). */
    static boolean onPhone() {
        return size == Browser.Size.PHONE;
    }

    /** Screenshot of the view as it is now, after checking that it fits the window's width. */
    static void shows(String view) {
        browser.assertNoSidewaysScroll();
        browser.screenshot(view);
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

    /** Picks the size from the running class before its {@code @BeforeAll} methods open the browser. */
    static final class SizeOfTheClass implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            size = context.getRequiredTestClass().isAnnotationPresent(Phone.class)
                    ? Browser.Size.PHONE : Browser.Size.DESKTOP;
        }
    }
}
