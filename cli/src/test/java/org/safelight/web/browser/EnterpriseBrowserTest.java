package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import org.openqa.selenium.By;
import org.safelight.accounts.enterprise.Enterprises;

/**
 * The enterprise page: its admin sees its members (listed, and the confirmed accounts at its domains)
 * and creates, sees once, lists and revokes API keys and Key Server Tokens, all from one call.
 */
class EnterpriseBrowserTest extends BrowserTestBase {

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("admin@stvincents.example", "Iris");
        site.confirmedUser("bob@example.org", "Bob");
        new Enterprises(site.server.database().jdbi(), Clock.systemUTC()).create("St Vincent's",
                "admin@stvincents.example", List.of("stvincents.example"), List.of("locum@example.org"));
        site.confirmedUser("nurse@stvincents.example", "Noor");
        // signed up, never confirmed: anyone can sign up with any address, so no member
        site.call("POST", "/api/v1/accounts/signup", null, """
                {"email": "impostor@stvincents.example", "password": "%s", "first_name": "Ima", "last_name": "Poster",
                 "title": "Dr", "country": "AU"}""".formatted(Site.PASSWORD));
        site.confirmedUser("it@northside.example", "Ravi");
        new Enterprises(site.server.database().jdbi(), Clock.systemUTC()).create("Northside Clinic",
                "it@northside.example", List.of("northside.example"), List.of());
        openBrowser();
    }


    @Test
    void the_admin_sees_the_confirmed_accounts_at_the_enterprises_domains() {
        SignIn.as(browser, site, "admin@stvincents.example");
        SignIn.nav(browser, "#nav-enterprise");
        browser.visible("#domain-members");
        assertThat(browser.driver().findElements(By.cssSelector("#domain-members-table tbody tr .email")).stream()
                .map(e -> e.getText()).toList())
                .containsExactly("admin@stvincents.example", "nurse@stvincents.example");
        assertThat(browser.text("#domain-members-table tbody tr:nth-child(2)")).contains("Noor Tester");
        assertThat(browser.text("#domain-members")).doesNotContain("impostor", "northside", "bob@example.org");
        if (onPhone()) {
            assertThat(browser.script("return getComputedStyle(document.querySelector('#domain-members-table tr')).display"))
                    .as("a card per person on a phone").isEqualTo("block");
        }
        Views.fit(browser);
        shows("enterprise-0-domain-members");
    }

    @Test
    void the_page_takes_both_kinds_of_credential_from_the_one_enterprise_call() throws Exception {
        String token = site.token("it@northside.example");
        site.call("POST", "/api/v1/enterprise/key-server-tokens", token, "{\"label\": \"private key server\"}");
        SignIn.as(browser, site, "it@northside.example");
        browser.script("performance.clearResourceTimings()");
        SignIn.nav(browser, "#nav-enterprise");
        browser.until(d -> browser.driver().findElements(By.cssSelector("#key-server-tokens tbody tr .label")).stream()
                .anyMatch(e -> e.getText().equals("private key server")));
        assertThat(browser.script("""
                return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
                  .filter(p => p.startsWith('/api/v1/enterprise') && !p.startsWith('/api/v1/enterprise/destinations'))
                  .join(' ')"""))
                .isEqualTo("/api/v1/enterprise");
    }

    @Test
    void the_admin_creates_sees_once_and_revokes_api_keys_and_key_server_tokens() throws Exception {
        SignIn.as(browser, site, "admin@stvincents.example");
        SignIn.nav(browser, "#nav-enterprise");
        assertThat(browser.text("#enterprise-name")).isEqualTo("St Vincent's");
        assertThat(browser.text("#enterprise-domains")).isEqualTo("stvincents.example");
        assertThat(browser.text("#members")).contains("locum@example.org");

        for (String kind : List.of("api-keys", "key-server-tokens")) {
            browser.click("#" + kind + "-create");
            String secret = browser.visible("#" + kind + "-secret").getAttribute("value");
            assertThat(secret).startsWith(kind.equals("api-keys") ? "slak_" : "slkst_");
            String row = "#" + kind + " tbody tr";
            browser.until(d -> d.findElements(By.cssSelector(row)).size() == 1);
            assertThat(browser.text(row)).contains("…" + secret.substring(secret.length() - 4), "never");
            assertThat(browser.text(row + " .credential-id")).isNotBlank();
        }
        shows("enterprise-1-created");

        browser.driver().navigate().refresh();
        browser.visible("#api-keys tbody tr");
        assertThat(browser.driver().getPageSource()).as("a secret is shown only once").doesNotContain("slak_", "slkst_");

        for (String kind : List.of("api-keys", "key-server-tokens")) {
            String row = "#" + kind + " tbody tr";
            browser.click(row + " button.revoke");
            assertThat(browser.text(row + " button.revoke")).isEqualTo(onPhone() ? "Tap again to revoke" : "Click again to revoke");
            browser.click(row + " button.revoke");
            browser.until(d -> d.findElements(By.cssSelector(row)).isEmpty());
        }
        String adminToken = site.token("admin@stvincents.example");
        assertThat(site.call("GET", "/api/v1/enterprise/api-keys", adminToken, null).path("api_keys").get(0)
                .path("revoked").asBoolean()).isTrue();
        shows("enterprise-2-revoked");
    }

    @Test
    void a_credential_made_with_a_label_is_listed_by_it() throws Exception {
        SignIn.as(browser, site, "it@northside.example");
        SignIn.nav(browser, "#nav-enterprise");
        browser.type("#api-keys-label", "nightly sync");
        browser.click("#api-keys-create");
        browser.visible("#api-keys-secret");
        browser.until(d -> browser.driver().findElements(By.cssSelector("#api-keys tbody tr .label")).stream()
                .anyMatch(e -> e.getText().equals("nightly sync")));
        shows("enterprise-3-labelled");
    }

    @Test
    void the_admin_adds_an_endpoint_and_a_mailbox_that_members_then_see_and_removes_one() throws Exception {
        SignIn.as(browser, site, "it@northside.example");
        SignIn.nav(browser, "#nav-enterprise");
        browser.visible("#destinations");
        browser.until(d -> browser.visible("#destinations-empty").isDisplayed());

        browser.type("#destination-endpoint-name", "Medical records");
        browser.type("#destination-endpoint-url", "http://intake.northside.example");
        browser.click("#destination-endpoint-add");
        assertThat(browser.visible("#destinations-error").getText()).contains("https://");

        browser.type("#destination-endpoint-url", "https://intake.northside.example");
        browser.click("#destination-endpoint-add");
        browser.until(d -> d.findElements(By.cssSelector("#destinations-table tbody tr")).size() == 1);
        browser.type("#destination-mailbox-name", "Wound clinic");
        browser.type("#destination-mailbox-address", "wounds@northside.example");
        browser.click("#destination-mailbox-add");
        browser.until(d -> d.findElements(By.cssSelector("#destinations-table tbody tr")).size() == 2);
        assertThat(browser.text("#destinations-table tbody tr:nth-child(1)")).contains("Medical records", "Endpoint",
                "https://intake.northside.example");
        assertThat(browser.text("#destinations-table tbody tr:nth-child(2)")).contains("Wound clinic", "Mailbox",
                "wounds@northside.example");
        assertThat(browser.driver().findElement(By.id("destinations-empty")).isDisplayed()).isFalse();
        Views.fit(browser);
        shows("enterprise-4-destinations");

        site.confirmedUser("ravi.member@northside.example", "Mira");
        JsonNode seen = site.call("GET", "/api/v1/accounts/me/destinations", site.token("ravi.member@northside.example"),
                null);
        assertThat(seen.path("destinations")).extracting(d -> d.path("name").asText())
                .containsExactly("Medical records", "Wound clinic");

        String row = "#destinations-table tbody tr:nth-child(1)";
        browser.click(row + " button.remove");
        assertThat(browser.text(row + " button.remove")).isEqualTo(onPhone() ? "Tap again to remove" : "Click again to remove");
        browser.click(row + " button.remove");
        browser.until(d -> d.findElements(By.cssSelector("#destinations-table tbody tr")).size() == 1);
        assertThat(browser.text("#destinations-table")).doesNotContain("Medical records");
        site.call("DELETE", "/api/v1/enterprise/destinations/" + site.call("GET", "/api/v1/enterprise/destinations",
                site.token("it@northside.example"), null).path("destinations").get(0).path("id").asText(),
                site.token("it@northside.example"), null);
    }

    @Test
    void someone_who_administers_no_enterprise_is_told_so() {
        SignIn.as(browser, site, "bob@example.org");
        assertThat(browser.driver().findElement(By.id("nav-enterprise")).isDisplayed()).isFalse();
        browser.get(site.url + "/app/#/enterprise");
        assertThat(browser.text("#error")).contains("do not administer an enterprise");
    }
}
