package org.safelight.web;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.web.testing.Browser;

/**
 * What a test of My Safelight's page code shares: the web role alone on a free port and one
 * Chromium on its application page, under the page's own Content-Security-Policy, so the code runs
 * exactly as it does for a user. Subclasses call the page's modules through {@link #browser}.
 */
abstract class AppPageBrowserTest {
    @TempDir
    static Path downloads;
    static WebServer server;
    static Browser browser;

    @BeforeAll
    static void start() {
        server = new WebServer(SharedLinks.NONE, List.of());
        browser = new Browser(downloads);
        browser.get(server.url() + "/app/");
        browser.visible("#signin-form");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        server.close();
    }
}
