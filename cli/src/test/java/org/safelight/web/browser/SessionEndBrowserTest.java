package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.SharedFiles;

/**
 * A session that ends on the server (signed out elsewhere, the access token run out), not with the
 * Sign out button, and another user who then signs in on the same tab: nothing of the first user's
 * draft, nor the institution key they kept for the tab, reaches the second.
 */
class SessionEndBrowserTest extends BrowserTestBase {
    static final TestClock clock = new TestClock();
    static Path report;
    static Path privateKey;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"), clock);
        site.confirmedUser("ann.author@example.org", "Anna");
        site.confirmedUser("ben.next@example.org", "Ben");
        KeyPair institution = Keys.rsa();
        Files.createDirectories(dir.resolve("keys"));
        privateKey = Keys.writePrivatePem(institution, dir.resolve("keys/institution.key.pem"));
        Files.createDirectories(dir.resolve("sent"));
        report = Sealer.seal(Draft.load(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Sealed for the institution."),
                Clock.systemUTC()), new Protection.StaticKey(institution.getPublic()), dir.resolve("sent"));
        openBrowser();
    }

    /**
     * Ends the tab's session on the server: its refresh token is revoked (a sign-out elsewhere) and the
     * server's clock passes the access token's lifetime. Then a view that asks the server is routed to.
     */
    static void endSessionOnTheServer(String route) throws Exception {
        String refresh = (String) browser.script("return sessionStorage.getItem('safelight.refresh_token')");
        assertThat(refresh).isNotNull();
        assertThat(site.send("POST", "/api/v1/accounts/signout", null, "{\"refresh_token\":\"" + refresh + "\"}")
                .statusCode()).isEqualTo(204);
        clock.advance(Duration.ofMinutes(20));
        browser.script("location.hash = arguments[0]", route);
        browser.visible("#signin-form");
        assertThat(browser.text("main")).contains("Your session ended");
    }

    /** Signs in with the form on screen, without reloading the tab (its memory is what is tested). */
    static void signInHere(String email) {
        browser.type("#signin-email", email);
        browser.type("#signin-password", Site.PASSWORD);
        browser.click("#signin-submit");
        browser.until(d -> browser.script("return document.getElementById('whoami').textContent").toString()
                .startsWith(email));
    }

    @Test
    void the_next_user_of_the_tab_gets_an_empty_new_report_not_the_draft_of_the_one_whose_session_ended() throws Exception {
        SignIn.as(browser, site, "ann.author@example.org");
        NewReportPage.open(browser);
        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-landscape.jpg"));
        NewReportPage.untilItems(browser, 1);
        browser.type("#patient-first", "Ann");
        browser.type("#patient-last", "Test");
        assertThat(browser.text("#clinician-name")).isEqualTo("Dr Anna Tester");

        endSessionOnTheServer("#/profile");
        signInHere("ben.next@example.org");
        NewReportPage.open(browser);
        browser.until(d -> browser.text("#clinician-name").equals("Dr Ben Tester"));
        assertThat(NewReportPage.items(browser)).as("items of the draft before").isZero();
        assertThat(browser.visible("#patient-first").getAttribute("value")).isEmpty();
        assertThat(browser.visible("#patient-last").getAttribute("value")).isEmpty();
        assertThat(browser.text("main")).doesNotContain("Ann", "Test ");
        @SuppressWarnings("unchecked")
        var patient = (java.util.Map<String, Object>) NewReportPage.draft(browser).get("patient");
        assertThat(patient.values()).allSatisfy(v -> assertThat(v).isEqualTo(""));
        Object number = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                Promise.all([import('/app/static/compose-view.js'), import('/app/static/session.js')])
                  .then(async ([c, s]) => {
                    for (let i = 0; i < 100 && !c.currentDraft().reportId; i++) await new Promise(r => setTimeout(r, 50));
                    const me = await s.getJson('/api/v1/accounts/me');
                    return String(c.currentDraft().reportId).slice(0, 9) === String(me.user_number).padStart(9, '0');
                  }).then(done, e => done('error: ' + e.message));
                """);
        assertThat(number).as("the report ID carries the signed-in user's number").isEqualTo(true);
    }

    @Test
    void a_private_key_kept_by_the_user_whose_session_ended_is_asked_for_again_from_the_next_user() throws Exception {
        SignIn.as(browser, site, "ann.author@example.org");
        Reports.pick(browser, report);
        StaticKeyBrowserTest.chooseKey(privateKey);
        browser.click("#keep-private-key");
        browser.click("#open-with-private-key");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");

        endSessionOnTheServer("#/reports");
        signInHere("ben.next@example.org");
        browser.visible("#reports");
        Reports.drop(browser, report);
        browser.visible("#ask-private-key");
        assertThat(browser.driver().findElements(By.id("patient-name"))).isEmpty();
    }

    @Test
    void the_same_user_signing_in_again_after_the_session_ended_finds_the_draft_kept() throws Exception {
        SignIn.as(browser, site, "ann.author@example.org");
        NewReportPage.open(browser);
        browser.type("#patient-first", "Ann");
        endSessionOnTheServer("#/profile");
        signInHere("ann.author@example.org");
        NewReportPage.open(browser);
        assertThat(browser.visible("#patient-first").getAttribute("value")).isEqualTo("Ann");
        SignIn.nav(browser, "#nav-reports");
        NewReportPage.answerConfirm(browser, true);
        browser.visible("#reports");
    }
}
