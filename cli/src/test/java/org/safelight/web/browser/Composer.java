package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.safelight.web.testing.Browser;

/**
 * Drives My Safelight's New report page as a clinician would, with Chromium's fake camera (a moving
 * test picture) and microphone (a tone).
 */
final class Composer {
    private final Browser browser;

    Composer(Browser browser) {
        this.browser = browser;
    }

    void open() {
        SignIn.nav(browser, "#nav-new");
        browser.visible("#compose");
    }

    /** A photo from the live camera: open it, wait for a picture, press the shutter. */
    void takePhotoWithTheCamera() {
        int before = count("photo");
        browser.click("#camera-start");
        browser.until(d -> (Boolean) browser.script(
                "const v = document.getElementById('camera-view'); return v.readyState >= 2 && v.videoWidth > 0;"));
        browser.click("#camera-shutter");
        awaitItems("photo", before + 1);
        browser.click("#camera-stop");
    }

    /** Photos picked from files (the camera input of a phone hands over a file the same way). */
    void pickPhoto(Path jpeg) {
        int before = count("photo");
        browser.driver().findElement(By.id("photo-files")).sendKeys(jpeg.toAbsolutePath().toString());
        awaitItems("photo", before + 1);
    }

    /** Records with {@code id} (video, voice) until the recorder has counted two seconds or more (a loaded machine may encode no frame of a shorter one). */
    void record(String id, String type) {
        int before = count(type);
        browser.click("#" + id + "-start");
        browser.until(d -> browser.text("#" + id + "-status").matches("Recording 0:0[2-9].*"));
        browser.click("#" + id + "-stop");
        awaitItems(type, before + 1);
    }

    void patient(String first, String last, String birthDate, String patientId) {
        browser.type("#patient-first", first);
        browser.type("#patient-last", last);
        // a date field's typing order follows the browser's locale: set it as the page would read it
        browser.script("const f = document.getElementById('patient-birth'); f.value = arguments[0];"
                + " f.dispatchEvent(new Event('input', {bubbles: true})); f.dispatchEvent(new Event('change', {bubbles: true}));",
                birthDate);
        browser.type("#patient-id", patientId);
    }

    void notes(String text) {
        browser.type("#notes", text);
    }

    /** Signed consent: a stroke on the signature pad. */
    void signConsent() {
        browser.click("label[for='consent-signed']");
        WebElement pad = browser.visible("#signature-pad");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", pad);
        int w = pad.getSize().getWidth();
        new Actions(browser.driver()).moveToElement(pad, -w / 4, 0).clickAndHold()
                .moveByOffset(w / 8, -15).moveByOffset(w / 8, 30).moveByOffset(w / 8, -30).release().perform();
    }

    /** "Seal and send": the send panel opens and seals; fails with what the page said if sealing failed. */
    void sealAndSend() {
        browser.click("#seal-and-send");
        browser.until(d -> !d.findElements(By.id("send-panel")).isEmpty() || !d.findElements(By.cssSelector(".field-error")).isEmpty());
        assertThat(browser.driver().findElements(By.cssSelector(".field-error")))
                .as(() -> browser.driver().findElement(By.id("main")).getText()).isEmpty();
        browser.until(d -> !d.findElements(By.id("send-choices")).isEmpty()
                && (d.findElement(By.id("send-choices")).isDisplayed() || !d.findElements(By.id("send-error")).isEmpty()));
        assertThat(browser.driver().findElements(By.id("send-error"))).as(() -> browser.text("#send-panel")).isEmpty();
    }

    int count(String type) {
        return ((Number) browser.script("return document.querySelectorAll('#items li.item[data-type=\"' + arguments[0] + '\"]').length",
                type)).intValue();
    }

    private void awaitItems(String type, int n) {
        browser.until(d -> count(type) >= n);
        assertThat(count(type)).isEqualTo(n);
    }
}
