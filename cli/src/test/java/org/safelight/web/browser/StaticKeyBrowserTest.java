package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import org.safelight.format.testing.Keys;

/**
 * Static-key reports (sealed for an institution's RSA public key) opened in the page with the
 * institution's private key file: the right key opens them, another key or a file that is no key
 * is refused with a sentence that says so, and the key is written to no browser storage.
 */
class StaticKeyBrowserTest extends BrowserTestBase {
    static Path report;
    static Path second;
    static Path privateKey;
    static Path otherKey;
    static Path pkcs1Key;
    static Path notAKey;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("records@example.org", "Records");
        KeyPair institution = Keys.rsa();
        Files.createDirectories(dir.resolve("keys"));
        privateKey = Keys.writePrivatePem(institution, dir.resolve("keys/institution.key.pem"));
        otherKey = Keys.writePrivatePem(Keys.rsa(), dir.resolve("keys/other.key.pem"));
        pkcs1Key = Files.writeString(dir.resolve("keys/old.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
                        + "-----END RSA PRIVATE KEY-----\n");
        notAKey = Files.writeString(dir.resolve("keys/notes.txt"), "Ward 7 handover: nothing to note.\n");
        Protection sealedFor = new Protection.StaticKey(institution.getPublic());
        Files.createDirectories(dir.resolve("sent"));
        report = Sealer.seal(Draft.load(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Sealed for the institution."),
                Clock.systemUTC()), sealedFor, dir.resolve("sent"));
        second = Sealer.seal(Draft.load(Site.draft(dir.resolve("draft2"), "Lin", "Wei", "The second report."),
                Clock.systemUTC()), sealedFor, dir.resolve("sent"));
        openBrowser();
    }

    static void chooseKey(Path key) {
        browser.visible("#ask-private-key");
        browser.driver().findElement(By.id("private-key-file")).sendKeys(key.toAbsolutePath().toString());
    }

    static String refusal() {
        return browser.until(d -> {
            var error = d.findElements(By.id("private-key-error"));
            return !error.isEmpty() && error.get(0).isDisplayed()
                    && "true".equals(d.findElement(By.id("private-key-file")).getAttribute("aria-invalid"))
                    ? error.get(0).getText() : null;
        });
    }

    @Test
    void a_static_key_report_opens_with_the_institutions_key_after_another_key_is_refused() {
        SignIn.as(browser, site, "records@example.org");
        Reports.pick(browser, report);
        assertThat(browser.text("#private-key-reason")).contains("sealed for an institution's private key");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("private-key-title");
        Views.fit(browser);
        shows("private-key-asked");

        chooseKey(otherKey);
        browser.click("#open-with-private-key");
        assertThat(refusal()).isEqualTo("This private key is not the one this report was sealed for. "
                + "Choose the private key of the institution the report was sent to.");
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
        Views.fit(browser);
        shows("private-key-wrong");

        chooseKey(privateKey);
        assertThat(browser.text("#private-key-chosen")).isEqualTo("Key file: institution.key.pem");
        browser.click("#open-with-private-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.text("#notes")).isEqualTo("Sealed for the institution.");
        assertNothingStored();
    }

    @Test
    void a_bare_base64_pkcs8_key_opens_it_too_as_the_cli_takes_it() throws Exception {
        String pem = Files.readString(privateKey);
        Path bare = Files.writeString(dir.resolve("keys/institution.b64"),
                pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").strip());
        SignIn.as(browser, site, "records@example.org");
        Reports.pick(browser, report);
        chooseKey(bare);
        browser.click("#open-with-private-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
    }

    @Test
    void a_file_that_is_no_pkcs8_key_is_refused_with_what_to_do() {
        SignIn.as(browser, site, "records@example.org");
        Reports.pick(browser, report);
        chooseKey(notAKey);
        browser.click("#open-with-private-key");
        assertThat(refusal()).startsWith("This file is not an RSA private key.").contains("BEGIN PRIVATE KEY");
        chooseKey(pkcs1Key);
        browser.click("#open-with-private-key");
        String pkcs1 = browser.until(d -> {
            String t = d.findElement(By.id("private-key-error")).getText();
            return t.contains("PKCS#1") ? t : null;
        });
        assertThat(pkcs1).contains("openssl pkcs8 -topk8 -nocrypt");
        browser.click("#cancel-private-key");
        browser.visible("#open-cancelled");
        assertNothingStored();
    }

    @Test
    void a_key_kept_for_the_tab_opens_the_next_report_and_is_forgotten_at_sign_out() throws Exception {
        SignIn.as(browser, site, "records@example.org");
        Reports.pick(browser, report);
        chooseKey(privateKey);
        browser.click("#keep-private-key");
        browser.click("#open-with-private-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");

        // the next report, without reloading the page: no question asked
        Reports.drop(browser, second);
        browser.until(d -> {
            var name = d.findElements(By.id("patient-name"));
            return !name.isEmpty() && name.get(0).getText().equals("Lin Wei");
        });
        assertThat(browser.driver().findElements(By.id("ask-private-key"))).isEmpty();
        assertNothingStored();

        SignIn.out(browser);
        browser.visible("#signin-email");
        browser.type("#signin-email", "records@example.org");
        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        browser.until(d -> browser.script("return document.getElementById('whoami').textContent").toString()
                .startsWith("records@example.org"));
        Reports.drop(browser, report);
        browser.visible("#ask-private-key");
    }

    /** Nothing but the session's refresh token in any browser storage: the key lived in the page only. */
    static void assertNothingStored() {
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return Object.keys(sessionStorage).join()")).isEqualTo("safelight.refresh_token");
        assertThat(browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                Promise.all([indexedDB.databases(), caches.keys()])
                  .then(([dbs, cacheNames]) => done(dbs.length + cacheNames.length), e => done(String(e)));
                """)).isEqualTo(0L);
    }
}
