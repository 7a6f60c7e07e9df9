package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.storage.StorageSettings;
import org.safelight.client.storage.StorageProvider;
import org.safelight.client.storage.testing.FakeBox;
import org.safelight.client.storage.testing.FakeDropbox;

/**
 * Connections: a PRO user connects Dropbox from the page (PKCE in a popup, the code handed back over a
 * BroadcastChannel) and storage.js sends a file to it, through the fakes; a user without PRO is told why.
 */
class StorageBrowserTest extends BrowserTestBase {
    static FakeBox box;
    static FakeDropbox dropbox;

    @BeforeAll
    static void start() throws Exception {
        box = new FakeBox();
        dropbox = new FakeDropbox();
        site = Site.withStorage(dir, new StorageSettings(Map.of(StorageProvider.BOX, box.app(),
                StorageProvider.DROPBOX, dropbox.app()), false, 1000));
        new Enterprises(site.server.database().jdbi(), Clock.systemUTC()).create("Hospital", "it@hospital.org",
                List.of("hospital.org"), List.of());
        site.confirmedUser("dr@hospital.org", "Ana");
        site.confirmedUser("someone@example.org", "Sam");
        openBrowser();
    }

    @AfterAll
    static void stopFakes() {
        box.close();
        dropbox.close();
    }

    @Test
    void a_pro_user_connects_dropbox_in_a_popup_and_sends_a_report_there() {
        SignIn.as(browser, site, "dr@hospital.org");
        SignIn.nav(browser, "#nav-connections");
        browser.visible("#storage-dropbox-connect");
        shows("connections");
        browser.click("#storage-dropbox-connect");
        browser.until(d -> "Connected".equals(browser.text("#storage-dropbox-status")));
        assertThat(dropbox.count("code_exchanged")).isEqualTo(1);
        browser.visible("#storage-dropbox-disconnect");
        shows("connections-connected");

        // The server passes on sealed reports only, so the page sends one (sealed here, for a key server).
        java.io.ByteArrayOutputStream sealed = new java.io.ByteArrayOutputStream();
        try {
            org.safelight.format.picsafe.PicsafeWriter.write(sealed, new org.safelight.format.picsafe.Protection
                    .DynamicKey("report-key", "https://keys.hospital.example"), "Rbrowser1",
                    o -> o.write("the report's ZIP".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Object sent = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
                import('/app/static/storage.js').then(m => m.sendToStorage('dropbox',
                    {blob: new Blob([bytes]), fileName: 'Rbrowser1.picsafe', reportId: 'Rbrowser1'}))
                  .then(r => done(r.path), e => done('failed: ' + e.code + ' ' + e.message));
                """, java.util.Base64.getEncoder().encodeToString(sealed.toByteArray()));
        assertThat(sent).isEqualTo("/Rbrowser1.picsafe");
        assertThat(dropbox.file("/Rbrowser1.picsafe")).isEqualTo(sealed.toByteArray());
    }

    @Test
    void a_user_without_pro_sees_why_and_no_connect_button() {
        SignIn.as(browser, site, "someone@example.org");
        SignIn.nav(browser, "#nav-connections");
        assertThat(browser.text("#storage-box-status")).contains("PRO");
        assertThat(browser.driver().findElements(org.openqa.selenium.By.id("storage-box-connect"))).isEmpty();
    }
}
