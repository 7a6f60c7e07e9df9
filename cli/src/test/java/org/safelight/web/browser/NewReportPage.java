package org.safelight.web.browser;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;
import org.safelight.web.testing.Browser;

/**
 * The "New report" view used as a clinician would, and its in-memory draft read back. (The send
 * helper's {@code Composer} drives the same page for the end-to-end tests of sealing and sending.)
 */
final class NewReportPage {
    private NewReportPage() {
    }

    /** Opens New report from the header (through the menu on a phone). */
    static void open(Browser browser) {
        SignIn.nav(browser, "#nav-new");
        browser.visible("#compose");
    }

    static long items(Browser browser) {
        return ((Number) browser.script("return document.querySelectorAll('#items li.item').length")).longValue();
    }

    /** Waits until the list shows n items. */
    static void untilItems(Browser browser, long n) {
        browser.until(d -> items(browser) == n);
    }

    /** Chooses a file with the photo picker (the hidden input behind "Choose photos"). */
    static void pickPhoto(Browser browser, Path file) {
        browser.driver().findElement(By.id("photo-files")).sendKeys(file.toAbsolutePath().toString());
    }

    /** Opens the live (fake) camera and presses the shutter once it shows a picture. */
    static void takeLivePhoto(Browser browser) {
        browser.click("#camera-start");
        browser.until(d -> browser.script("const v = document.getElementById('camera-view');"
                + " return v.videoWidth > 0 && v.readyState >= 2 ? true : null"));
        browser.click("#camera-shutter");
    }

    /**
     * Records with one of the page's recorders (video, voice, verbal) for the shortest clip the page
     * counts as a second: the status shows "Recording 0:01". Waiting for that is the one wait that is
     * the length of the recording itself, not a guess; the Blob is then polled for by the caller.
     */
    static void record(Browser browser, String recorder) {
        browser.click("#" + recorder + "-start");
        browser.until(d -> browser.text("#" + recorder + "-status").matches("Recording 0:0[1-9]"));
        browser.click("#" + recorder + "-stop");
        browser.until(d -> browser.text("#" + recorder + "-status").startsWith("Recorded "));
    }

    /** Signs the pad with a stroke of the pointer this browser has: a finger on a phone, the mouse on a desktop. */
    static void sign(Browser browser) {
        WebElement pad;
        try {
            pad = browser.visible("#signature-pad[data-ready]");
        } catch (AssertionError e) {
            throw new AssertionError("the pad did not start: " + browser.text("#signed-part") + browser.consoleMessages(), e);
        }
        browser.script("arguments[0].scrollIntoView({block: 'center'})", pad);
        boolean phone = browser.isPhone();
        PointerInput pointer = new PointerInput(phone ? PointerInput.Kind.TOUCH : PointerInput.Kind.MOUSE, phone ? "finger" : "mouse");
        Sequence stroke = new Sequence(pointer, 0);
        int w = pad.getRect().getWidth();
        stroke.addAction(pointer.createPointerMove(Duration.ZERO, PointerInput.Origin.fromElement(pad), -w / 3, 10));
        stroke.addAction(pointer.createPointerDown(PointerInput.MouseButton.LEFT.asArg()));
        int[][] path = {{-w / 5, -30}, {-w / 10, 25}, {0, -20}, {w / 10, 30}, {w / 5, -15}, {w / 3, 20}};
        for (int[] p : path) {
            stroke.addAction(pointer.createPointerMove(Duration.ofMillis(60), PointerInput.Origin.fromElement(pad), p[0], p[1]));
        }
        stroke.addAction(pointer.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
        ((org.openqa.selenium.interactions.Interactive) browser.driver()).perform(List.of(stroke));
        // consent.jpg is made when the stroke ends: poll for it (executeScript waits for the promise).
        try {
            browser.until(d -> Boolean.TRUE.equals(browser.script(
                    "return import('/app/static/compose-view.js').then(m => Boolean(m.currentDraft()?.consent.file))")));
        } catch (AssertionError e) {
            throw new AssertionError("no consent.jpg after signing; the page said " + browser.consoleMessages(), e);
        }
    }

    /**
     * The draft as the page holds it: patient, consent and each item's type, MIME type, size and
     * levels; for consent.jpg its first bytes, the colour of its corners and how many dark pixels
     * the signature left.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> draft(Browser browser) {
        return (Map<String, Object>) browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  const d = (await import('/app/static/compose-view.js')).currentDraft();
                  if (!d) return null;
                  const out = {patient: d.patient, notes: d.notes, consentType: d.consent.type, consentLevels: d.consent.levels,
                    items: d.items.map(i => ({type: i.type, mime: i.file.type, size: i.file.size, levels: i.levels,
                      takenAt: i.takenAt instanceof Date}))};
                  // A recorded video must hold pictures (a busy encoder can leave only sound): its frame size once loaded.
                  for (const [n, item] of d.items.entries()) {
                    if (item.type !== 'video') continue;
                    const v = document.createElement('video');
                    v.muted = true;
                    const url = URL.createObjectURL(item.file);
                    v.src = url;
                    out.items[n].frame = await new Promise(ok => {
                      v.onloadeddata = () => ok(v.videoWidth + 'x' + v.videoHeight);
                      v.onerror = () => ok('unreadable');
                    });
                    URL.revokeObjectURL(url);
                  }
                  const f = d.consent.file;
                  if (f) {
                    out.consentMime = f.type;
                    out.consentSize = f.size;
                  }
                  if (f && f.type.startsWith('image/')) {
                    out.consentHead = [...new Uint8Array(await f.slice(0, 3).arrayBuffer())].map(b => b.toString(16)).join(' ');
                    const bitmap = await createImageBitmap(f);
                    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
                    const g = canvas.getContext('2d');
                    g.drawImage(bitmap, 0, 0);
                    const px = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
                    const at = (x, y) => { const i = (y * bitmap.width + x) * 4; return Math.min(px[i], px[i + 1], px[i + 2]); };
                    out.consentCorners = Math.min(at(0, 0), at(bitmap.width - 1, 0), at(0, bitmap.height - 1),
                      at(bitmap.width - 1, bitmap.height - 1));
                    let dark = 0;
                    for (let i = 0; i < px.length; i += 4) if (px[i] < 100 && px[i + 1] < 100 && px[i + 2] < 100) dark++;
                    out.consentDark = dark;
                    out.consentWidth = bitmap.width;
                  }
                  return out;
                })().then(done, e => done('error: ' + e.message));
                """);
    }

    /**
     * What the origin keeps in browser storage: localStorage and sessionStorage entries (name and
     * value), IndexedDB databases and Cache Storage caches.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> storage(Browser browser) {
        return (Map<String, Object>) browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  const entries = s => Object.keys(s).map(k => k + '=' + s.getItem(k));
                  return {local: entries(localStorage), session: entries(sessionStorage),
                    indexedDb: (await indexedDB.databases()).map(d => d.name),
                    caches: 'caches' in window ? await caches.keys() : []};
                })().then(done, e => done('error: ' + e.message));
                """);
    }

    /** The text of the browser's confirm dialog, after answering it (null when none came). */
    static String answerConfirm(Browser browser, boolean accept) {
        String text = browser.until(d -> {
            try {
                return d.switchTo().alert().getText();
            } catch (NoAlertPresentException e) {
                return null;
            }
        });
        if (accept) {
            browser.driver().switchTo().alert().accept();
        } else {
            browser.driver().switchTo().alert().dismiss();
        }
        return text;
    }

    /** Whether a confirm dialog is open now. */
    static boolean confirmOpen(Browser browser) {
        try {
            browser.driver().switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }
}
