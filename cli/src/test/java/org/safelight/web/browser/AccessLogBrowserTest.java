package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.enterprise.Enterprises;

/**
 * A report's access log in the browser: the sender sees every entry, an enterprise's Key Server
 * Token by the enterprise's name; a recipient sees only their own entries.
 */
class AccessLogBrowserTest extends BrowserTestBase {
    static Path report;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("admin@stvincents.example", "Iris");
        site.confirmedUser("nurse@stvincents.example", "Nia");
        site.confirmedUser("bob@example.org", "Bob");
        new Enterprises(site.server.database().jdbi(), Clock.systemUTC()).create("St Vincent's",
                "admin@stvincents.example", List.of("stvincents.example"), List.of());
        // A member seals a report; the enterprise's sync fetches its key with a Key Server Token; Bob fetches it too.
        report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Skin tear, left forearm."),
                site.token("nurse@stvincents.example"), dir.resolve("sent"));
        String kst = site.call("POST", "/api/v1/enterprise/key-server-tokens", site.token("admin@stvincents.example"),
                null).path("key_server_token").asText();
        String key = "/api/v1/reports/" + Site.reportId(report) + "/key";
        site.call("GET", key, kst, null);
        site.call("GET", key, site.keyServerToken(site.token("bob@example.org"), site.url), null);
        openBrowser();
    }

    private String accessLogAs(String email) {
        SignIn.as(browser, site, email);
        Reports.pick(browser, report);
        browser.visible("#report");
        browser.click("#show-accesses");
        return browser.text("#access-table");
    }

    @Test
    void the_sender_sees_every_entry_and_the_enterprises_fetch_by_its_name() {
        String log = accessLogAs("nurse@stvincents.example");

        assertThat(log).contains("nurse@stvincents.example", "key created", "St Vincent's (enterprise)",
                "bob@example.org", "key fetched");
        assertThat(log).doesNotContain("(not signed in)", "enterprise:");
        browser.screenshot("access-log-1-sender");
    }

    @Test
    void a_recipient_sees_only_their_own_entries() {
        String log = accessLogAs("bob@example.org");

        assertThat(log).contains("bob@example.org", "key fetched");
        assertThat(log).doesNotContain("nurse@stvincents.example", "St Vincent's", "enterprise");
        browser.screenshot("access-log-2-recipient");
    }

    @Test
    void the_admin_of_the_senders_enterprise_sees_every_entry() {
        String log = accessLogAs("admin@stvincents.example");

        assertThat(log).contains("nurse@stvincents.example", "St Vincent's (enterprise)", "bob@example.org");
    }
}
