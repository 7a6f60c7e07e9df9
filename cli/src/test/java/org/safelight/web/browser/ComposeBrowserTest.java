package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.safelight.format.testing.SharedFiles;

/**
 * New report (#/new): a clinician captures two photos (a picked file and the live camera), a video
 * and a voice note recorded in the page with Chromium's fake camera and microphone, enters the
 * patient, signs consent; the draft lives in the page's memory only, "Seal and send" says what is
 * missing next to each field, and leaving an unsent report asks first. Sealing and sending it is
 * the send panel's (its own end-to-end tests).
 */
class ComposeBrowserTest extends BrowserTestBase {

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        site.confirmedUser("bob@example.org", "Bob");
        openBrowser();
    }

    @Test
    void two_photos_a_video_a_voice_note_and_a_signature_make_a_draft_that_lives_in_memory_only() {
        SignIn.as(browser, site, "alice@example.org");
        NewReportPage.open(browser);
        assertThat(browser.text("#clinician-name")).isEqualTo("Dr Alice Tester");
        assertThat(browser.text("#clinician-detail")).contains("alice@example.org", "Australia");
        shows("compose-empty");

        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-landscape.jpg"));
        NewReportPage.untilItems(browser, 1);
        NewReportPage.takeLivePhoto(browser);
        NewReportPage.untilItems(browser, 2);
        shows("compose-camera");

        NewReportPage.record(browser, "video");
        NewReportPage.untilItems(browser, 3);
        browser.click("#camera-stop");
        assertThat(browser.script("return document.getElementById('camera-view').srcObject")).as("camera closed").isNull();
        NewReportPage.record(browser, "voice");
        NewReportPage.untilItems(browser, 4);
        shows("compose-items");

        browser.type("#patient-first", "Ada");
        browser.type("#patient-last", "Quill");
        browser.type("#patient-birth", "11121948"); // the en-US field reads month, day, year
        browser.type("#patient-id", "MRN-77");
        browser.type("#notes", "Seen on the ward.");
        browser.click("label[for=consent-signed]");
        NewReportPage.sign(browser);
        browser.click("label[for=level-education]");
        shows("compose-signed");

        Map<String, Object> draft = NewReportPage.draft(browser);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) draft.get("items");
        assertThat(items).extracting(i -> i.get("type")).containsExactly("photo", "photo", "video", "audio");
        assertThat(items.get(0).get("mime")).isEqualTo("image/jpeg");
        assertThat(items.get(1).get("mime")).isEqualTo("image/jpeg");
        assertThat((String) items.get(2).get("mime")).as("MP4, never WebM").startsWith("video/mp4");
        assertThat((String) items.get(2).get("frame")).as("the video has pictures").matches("[1-9][0-9]*x[1-9][0-9]*");
        assertThat((String) items.get(3).get("mime")).startsWith("audio/mp4");
        assertThat(items).allSatisfy(i -> {
            assertThat(((Number) i.get("size")).longValue()).isPositive();
            assertThat(i.get("takenAt")).isEqualTo(true);
            assertThat(i.get("levels")).as("an item's levels follow the report's").isEqualTo(List.of("treatment", "education"));
        });
        assertThat(draft.get("patient")).isEqualTo(Map.of("firstName", "Ada", "lastName", "Quill", "birthDate", "1948-11-12",
                "patientId", "MRN-77", "translator", "", "guardian", ""));
        assertThat(draft.get("notes")).isEqualTo("Seen on the ward.");
        assertThat(draft.get("consentType")).isEqualTo("signed");
        assertThat(draft.get("consentLevels")).isEqualTo(List.of("treatment", "education"));
        assertThat(draft.get("consentMime")).isEqualTo("image/jpeg");
        assertThat(draft.get("consentHead")).as("JPEG bytes").isEqualTo("ff d8 ff");
        assertThat(((Number) draft.get("consentCorners")).intValue()).as("white background").isGreaterThanOrEqualTo(245);
        assertThat(((Number) draft.get("consentDark")).longValue()).as("the signature's ink").isGreaterThan(100);

        Map<String, Object> storage = NewReportPage.storage(browser);
        assertThat(storage.get("local")).as("localStorage").isEqualTo(List.of());
        assertThat((List<?>) storage.get("session")).as("sessionStorage holds the session only")
                .allSatisfy(e -> assertThat(e.toString()).startsWith("safelight.refresh_token=").doesNotContain("Quill"));
        assertThat(storage.get("indexedDb")).as("IndexedDB").isEqualTo(List.of());
        assertThat(storage.get("caches")).as("Cache Storage").isEqualTo(List.of());
        leaveAndDiscard();
    }

    @Test
    void an_items_consent_can_differ_from_the_reports_and_removing_an_item_takes_it_out_of_the_draft() {
        SignIn.as(browser, site, "alice@example.org");
        NewReportPage.open(browser);
        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-landscape.jpg"));
        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-rotated.jpg"));
        NewReportPage.untilItems(browser, 2);
        browser.click("label[for=item-2-publication]");
        browser.click("label[for=consent-verbal]");
        browser.click("label[for=level-education]");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) NewReportPage.draft(browser).get("items");
        assertThat(items.get(0).get("levels")).isEqualTo(List.of("treatment", "education"));
        assertThat(items.get(1).get("levels")).as("set apart by its own choice").isEqualTo(List.of("treatment", "publication"));

        browser.click("#items li.item:first-child .remove-item");
        NewReportPage.untilItems(browser, 1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> left = (List<Map<String, Object>>) NewReportPage.draft(browser).get("items");
        assertThat(left).hasSize(1);
        assertThat(left.get(0).get("levels")).isEqualTo(List.of("treatment", "publication"));

        browser.click("label[for=consent-none]");
        Map<String, Object> none = NewReportPage.draft(browser);
        assertThat(none.get("consentLevels")).as("no consent covers no use").isEqualTo(List.of());
        assertThat((List<?>) none.get("items")).allSatisfy(i -> assertThat(((Map<?, ?>) i).get("levels")).isEqualTo(List.of()));
        browser.click("label[for=consent-verbal]");
        assertThat(NewReportPage.draft(browser).get("consentLevels")).as("the ticks come back").isEqualTo(List.of("treatment", "education"));

        NewReportPage.record(browser, "verbal");
        Map<String, Object> draft = NewReportPage.draft(browser);
        assertThat(draft.get("consentType")).isEqualTo("verbal");
        assertThat((String) draft.get("consentMime")).as("consent.m4a").startsWith("audio/mp4");
        assertThat(((Number) draft.get("consentSize")).longValue()).isPositive();
        shows("compose-verbal");
        leaveAndDiscard();
    }

    @Test
    void a_browser_that_records_only_webm_says_so_and_offers_picking_a_file_instead() {
        SignIn.as(browser, site, "alice@example.org");
        // What Firefox answers: MediaRecorder records WebM only.
        browser.script("MediaRecorder.isTypeSupported = type => type.startsWith('video/webm') || type.startsWith('audio/webm');");
        NewReportPage.open(browser);
        assertThat(browser.text("#video-status")).contains("only as WebM", "pick the file instead");
        assertThat(browser.text("#voice-status")).contains("only as WebM");
        assertThat(browser.driver().findElements(By.cssSelector("#video-start, #voice-start"))).as("nothing to record with").isEmpty();
        browser.visible("label[for=media-files]");
        browser.click("label[for=consent-verbal]");
        assertThat(browser.text("#verbal-status")).contains("only as WebM");
        shows("compose-webm-only");
        browser.driver().navigate().refresh(); // nothing typed or captured: no question, and the real MediaRecorder again
        browser.visible("#compose");
        browser.visible("#video-start");
    }

    @Test
    void seal_and_send_says_what_is_missing_next_to_each_field() {
        SignIn.as(browser, site, "alice@example.org");
        NewReportPage.open(browser);
        browser.click("#seal-and-send");
        assertThat(browser.text("#compose-error")).startsWith("3 things keep this report from being sealed");
        assertThat(texts(".field-error")).containsExactly("Add at least one photo, video or voice note.",
                "Enter the patient’s name or their patient ID.",
                "Choose how the patient consented: signed, verbal or none.");
        assertThat(browser.visible("#patient-first").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.script("return document.activeElement.id")).as("focus on the first problem").isEqualTo("photo-files");
        shows("compose-missing");

        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-landscape.jpg"));
        NewReportPage.untilItems(browser, 1);
        browser.type("#patient-id", "MRN-77");
        browser.click("label[for=consent-signed]");
        browser.visible("#signature-pad");
        browser.click("label[for=level-treatment]"); // no level left
        browser.click("#seal-and-send");
        assertThat(texts(".field-error")).containsExactly("The patient has not signed yet: ask them to sign in the box.",
                "Tick at least one use the patient agreed to, or choose None.");
        assertThat(browser.visible("#patient-first").getAttribute("aria-invalid")).as("fixed").isNull();
        shows("compose-unsigned");

        browser.click("label[for=consent-verbal]");
        browser.click("#seal-and-send");
        assertThat(texts(".field-error")).contains("Record the patient’s spoken consent first.");
        leaveAndDiscard();
    }

    @Test
    void leaving_an_unsent_report_asks_first_and_after_leaving_nothing_of_it_is_left() {
        SignIn.as(browser, site, "alice@example.org");
        NewReportPage.open(browser);
        SignIn.nav(browser, "#nav-reports");
        browser.visible("#reports");
        assertThat(NewReportPage.confirmOpen(browser)).as("an empty composer is left without asking").isFalse();

        NewReportPage.open(browser);
        NewReportPage.pickPhoto(browser, SharedFiles.media("photo-landscape.jpg"));
        NewReportPage.untilItems(browser, 1);
        browser.type("#patient-first", "Ada");
        NewReportPage.takeLivePhoto(browser);
        NewReportPage.untilItems(browser, 2);
        browser.script("window.__preview = document.querySelector('#items img').src;"
                + " window.__camera = document.getElementById('camera-view').srcObject;");
        assertThat(browser.script("""
                const e = new Event('beforeunload', {cancelable: true});
                window.dispatchEvent(e);
                return e.defaultPrevented;
                """)).as("closing or reloading the tab asks").isEqualTo(true);

        SignIn.nav(browser, "#nav-reports");
        assertThat(NewReportPage.answerConfirm(browser, false)).contains("Leave this report?");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/new");
        assertThat(browser.visible("#patient-first").getAttribute("value")).isEqualTo("Ada");
        NewReportPage.untilItems(browser, 2);
        shows("compose-kept");

        SignIn.nav(browser, "#nav-reports");
        NewReportPage.answerConfirm(browser, true);
        browser.visible("#reports");
        assertThat(browser.script("return window.__camera.getTracks().every(t => t.readyState === 'ended')"))
                .as("the camera is stopped").isEqualTo(true);
        assertThat(browser.script("return fetch(window.__preview).then(() => 'readable', () => 'revoked')"))
                .as("the preview's object URL").isEqualTo("revoked");
        assertThat(browser.script("return import('/app/static/compose-view.js').then(m => m.currentDraft())")).isNull();
        assertThat(browser.script("""
                const e = new Event('beforeunload', {cancelable: true});
                window.dispatchEvent(e);
                return e.defaultPrevented;
                """)).as("nothing left to guard").isEqualTo(false);
        NewReportPage.open(browser);
        assertThat(browser.visible("#patient-first").getAttribute("value")).isEmpty();
        assertThat(NewReportPage.items(browser)).isZero();
    }

    @Test
    void the_clinician_comes_from_the_profile_which_is_edited_without_losing_the_draft() {
        SignIn.as(browser, site, "bob@example.org");
        NewReportPage.open(browser);
        browser.type("#patient-last", "Quill");
        browser.click("#edit-profile");
        browser.visible("#profile-form");
        assertThat(NewReportPage.confirmOpen(browser)).isFalse();
        browser.type("#profile-title", "Prof");
        browser.click("#profile-save");
        browser.visible("#profile-saved");
        shows("profile");
        browser.click("#back-to-report");
        browser.until(d -> browser.text("#clinician-name").equals("Prof Bob Tester"));
        assertThat(browser.visible("#patient-last").getAttribute("value")).isEqualTo("Quill");
        leaveAndDiscard();
    }

    private static List<String> texts(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().map(e -> e.getText()).toList();
    }

    /** Leaves the composer for My reports, agreeing to drop the draft. */
    static void leaveAndDiscard() {
        SignIn.nav(browser, "#nav-reports");
        if (NewReportPage.answerConfirm(browser, true) == null) {
            throw new AssertionError("no confirm");
        }
        browser.visible("#reports");
    }
}
