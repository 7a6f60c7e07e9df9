package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.server.testing.Ports;

/**
 * An institution's private key server on another origin: it trusts My Safelight's origin (CORS),
 * My Safelight is configured to ask it (--web-key-servers, in the Content-Security-Policy), and a
 * report whose key it holds opens in the browser, with its access log read from there too.
 */
class PrivateKeyServerBrowserTest extends BrowserTestBase {
    static Site keys;

    @BeforeAll
    static void start() throws Exception {
        Ports.onFreePorts(2, ports -> {
            String keysUrl = "http://localhost:" + ports[0];
            site = Site.start(dir.resolve("data"), Clock.systemUTC(), Set.of("accounts", "keys", "cloud", "web"),
                    ports[1], null, List.of(), List.of(keysUrl));
            try {
                keys = Site.start(dir.resolve("keys"), Clock.systemUTC(), Set.of("keys"), ports[0],
                        URI.create(site.url), List.of(site.url), List.of());
            } catch (Exception e) {
                site.close();
                throw e;
            }
            return keys;
        });
        site.confirmedUser("alice@example.org", "Alice");
        site.confirmedUser("bob@example.org", "Bob");
        openBrowser();
    }

    @AfterAll
    static void stopPrivateKeyServer() {
        if (keys != null) {
            keys.close();
        }
    }

    @Test
    void a_report_keyed_on_a_trusted_private_key_server_opens_across_origins() throws Exception {
        Path report = Site.sealWith(site, keys, Site.draft(dir.resolve("draft"), "Ada", "Quill", "Keyed privately."),
                site.token("alice@example.org"), dir.resolve("sent"), keys.url);
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, report);
        assertThat(browser.text("#notes")).isEqualTo("Keyed privately.");
        browser.click("#show-accesses");
        assertThat(browser.text("#access-table")).contains("bob@example.org", "key fetched");
        browser.screenshot("private-key-server-report");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("CORS") || m.contains("Content Security Policy"));
    }

    @Test
    void a_key_server_url_with_a_path_asks_only_that_origins_key_route() throws Exception {
        // A path, query and fragment in keyserver_url must not steer the request (or its token) elsewhere.
        Path report = Site.sealWith(site, keys, Site.draft(dir.resolve("draft-path"), "Ada", "Quill", "Origin only."),
                site.token("alice@example.org"), dir.resolve("sent-path"), keys.url + "/steer/here?to=x#frag");
        SignIn.as(browser, site, "bob@example.org");
        Reports.pick(browser, report);
        assertThat(browser.text("#notes")).isEqualTo("Origin only.");
    }
}
