package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Opening a cloud report shows a real progress bar (bytes of the total, also as text, announced in
 * a live region) for downloading, checking, decrypting and opening; Cancel stops the download (the
 * response stream is cancelled and nothing is drawn after); a phone asks before downloading a very
 * large report.
 */
class OpeningProgressBrowserTest extends BrowserTestBase {
    static Path report;
    static String name;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        site.confirmedUser("bob@example.org", "Bob");
        String alice = site.token("alice@example.org");
        report = site.seal(Site.draft(dir.resolve("draft"), "Ada", "Quill", "Progress."), alice, dir.resolve("sent"));
        String link = site.upload(report, alice).path("link").asText();
        name = link.substring(link.lastIndexOf('/') + 1);
        openBrowser();
    }

    /** Signed in on My reports, with every state of the progress bar recorded in window.__progress. */
    private static void signedInAndWatching() {
        SignIn.as(browser, site, "bob@example.org");
        browser.script("""
                window.__progress = [];
                new MutationObserver(() => {
                  const bar = document.getElementById('progress-bar');
                  const step = document.getElementById('progress-step');
                  if (!bar || !step) return;
                  const entry = step.dataset.phase + ' ' + (bar.hasAttribute('value') ? bar.value + '/' + bar.max : '-')
                    + ' ' + document.getElementById('progress-live').textContent;
                  if (window.__progress[window.__progress.length - 1] !== entry) window.__progress.push(entry);
                }).observe(document.getElementById('main'), {subtree: true, childList: true, attributes: true,
                  characterData: true});
                """);
    }

    @SuppressWarnings("unchecked")
    private static List<String> progress() {
        return (List<String>) browser.script("return window.__progress");
    }

    @Test
    void the_progress_bar_counts_the_bytes_of_each_step_up_to_its_total() throws Exception {
        signedInAndWatching();
        browser.script("location.hash = arguments[0]", "#/link/AU/" + name);
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        long size = Files.size(report);
        List<String> seen = progress();
        assertThat(seen).anyMatch(s -> s.startsWith("downloading " + size + "/" + size + " ")
                && s.contains("(100%)"));
        assertThat(seen).anyMatch(s -> s.matches("decrypting (\\d+)/\\1 Decrypting: .*\\(100%\\)"));
        assertThat(seen).anyMatch(s -> s.matches("opening (\\d+)/\\1 .*\\(100%\\)"));
        assertThat(seen.stream().map(s -> s.split(" ")[0]).distinct().toList())
                .containsSubsequence("downloading", "key", "checking", "decrypting", "opening");
    }

    @Test
    void cancel_stops_the_download_and_nothing_is_drawn_after() {
        signedInAndWatching();
        // The report's bytes arrive as the server sends them, but only the first piece until released.
        browser.script("""
                const real = window.fetch;
                window.__stream = {cancelled: false, pulls: 0};
                window.fetch = async (url, init) => {
                  const r = await real(url, init);
                  if (!/\\/api\\/v1\\/cloud\\/reports\\/AU\\/[^/]+$/.test(String(url))) return r;
                  const bytes = new Uint8Array(await r.arrayBuffer());
                  let sent = false;
                  const body = new ReadableStream({
                    pull(controller) {
                      window.__stream.pulls++;
                      if (!sent) { sent = true; controller.enqueue(bytes.slice(0, 4096)); return; }
                      return new Promise(release => {
                        window.__release = () => {
                          try { controller.enqueue(bytes.slice(4096)); controller.close(); } catch (e) { window.__stream.refused = true; }
                          release();
                        };
                      });
                    },
                    cancel() { window.__stream.cancelled = true; },
                  }, {highWaterMark: 0});
                  return new Response(body, {status: 200, headers: {'Content-Length': String(bytes.length)}});
                };
                """);
        browser.script("location.hash = arguments[0]", "#/link/AU/" + name);
        browser.until(d -> browser.script("return document.getElementById('progress-bar')?.value === 4096 ? true : null"));
        assertThat(browser.text("#progress-text")).startsWith("Downloading the encrypted report: 4.0 KiB of ");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("opening-title");
        Views.fit(browser);
        shows("opening-progress");
        browser.click("#cancel-open");
        browser.visible("#open-cancelled");
        browser.until(d -> Boolean.TRUE.equals(browser.script("return window.__stream.cancelled")));
        long pulls = (Long) browser.script("return window.__stream.pulls");
        // Anything still on its way is let through: it is not read, and nothing is drawn.
        browser.script("window.__release && window.__release()");
        browser.asyncScript("const done = arguments[0]; setTimeout(() => requestAnimationFrame(() => done()), 0);");
        assertThat(browser.script("return window.__stream.pulls")).isEqualTo(pulls);
        assertThat(browser.script("return window.__stream.refused === true")).as("the cancelled stream takes no more")
                .isEqualTo(true);
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
        assertThat(browser.driver().findElements(By.id("open-failed"))).isEmpty();
        assertThat(browser.text("#open-cancelled")).contains("The download was stopped");
        assertThat(browser.driver().getTitle()).isEqualTo("Opening cancelled · My Safelight");
        assertThat(progress()).noneMatch(s -> s.startsWith("decrypting"));
        Views.fit(browser);
        shows("opening-cancelled");
    }

    @Test
    void cancel_while_the_key_is_asked_for_aborts_the_key_request_itself() {
        signedInAndWatching();
        // The key request waits here until released; it goes out then with the options it was given.
        browser.script("""
                const real = window.fetch;
                window.fetch = (url, init) => {
                  if (!/\\/api\\/v1\\/reports\\/[^/]+\\/key$/.test(String(url))) return real(url, init);
                  window.__keySignal = init?.signal || null;
                  return new Promise((resolve, reject) => {
                    window.__releaseKey = () => real(url, init).then(resolve, e => { window.__keyError = e.name; reject(e); });
                  });
                };
                """);
        browser.script("location.hash = arguments[0]", "#/link/AU/" + name);
        browser.until(d -> browser.script("return window.__releaseKey ? true : null"));
        browser.click("#cancel-open");
        browser.visible("#open-cancelled");
        assertThat(browser.script("return window.__keySignal?.aborted === true"))
                .as("the key request carries the cancelled signal").isEqualTo(true);
        browser.script("window.__releaseKey()");
        browser.until(d -> browser.script("return window.__keyError || null"));
        assertThat(browser.script("return window.__keyError")).as("the request was never sent").isEqualTo("AbortError");
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
        assertThat(browser.text("#open-cancelled")).contains("The report was not opened");
    }

    @Test
    void a_report_that_finishes_decrypting_after_cancel_has_its_decrypted_bytes_overwritten() {
        signedInAndWatching();
        // Records every Map of byte arrays that is cleared, and whether its bytes were all zero by then;
        // Cancel is pressed the moment the last file of the report is read.
        browser.script("""
                window.__cleared = [];
                const clear = Map.prototype.clear;
                Map.prototype.clear = function () {
                  const values = [...this.values()];
                  if (values.length && values.every(v => v instanceof Uint8Array)) {
                    window.__cleared.push(values.every(v => v.every(b => b === 0)));
                  }
                  return clear.call(this);
                };
                new MutationObserver(() => {
                  const bar = document.getElementById('progress-bar');
                  const step = document.getElementById('progress-step');
                  if (step?.dataset.phase === 'opening' && bar.max > 0 && bar.value === bar.max && !window.__pressed) {
                    window.__pressed = true;
                    document.getElementById('cancel-open').click();
                  }
                }).observe(document.getElementById('main'), {subtree: true, childList: true, attributes: true,
                  characterData: true});
                """);
        browser.script("location.hash = arguments[0]", "#/link/AU/" + name);
        browser.visible("#open-cancelled");
        browser.until(d -> browser.script("return window.__cleared.length ? true : null"));
        assertThat(browser.script("return JSON.stringify(window.__cleared)")).isEqualTo("[true]");
        assertThat(browser.driver().findElements(By.id("report"))).isEmpty();
    }

    @Test
    void a_phone_asks_before_downloading_a_very_large_report_and_a_computer_does_not() {
        signedInAndWatching();
        // The link's public status, as for a report of 300 MiB.
        browser.script("""
                const real = window.fetch;
                window.__downloads = 0;
                window.fetch = async (url, init) => {
                  if (String(url).endsWith('/status') && String(url).includes('/api/v1/cloud/')) {
                    const body = await (await real(url, init)).json();
                    return new Response(JSON.stringify({...body, size: 300 * 1024 * 1024}),
                      {status: 200, headers: {'Content-Type': 'application/json'}});
                  }
                  if (/\\/api\\/v1\\/cloud\\/reports\\/AU\\/[^/]+$/.test(String(url))) window.__downloads++;
                  return real(url, init);
                };
                """);
        browser.script("location.hash = arguments[0]", "#/link/AU/" + name);
        if (onPhone()) {
            assertThat(browser.text("#large-size")).startsWith("It is 300.0 MiB.");
            assertThat(browser.script("return document.activeElement.id")).isEqualTo("large-title");
            Views.fit(browser);
            shows("opening-large-on-phone");
            browser.click("#not-now");
            browser.until(d -> browser.driver().getCurrentUrl().endsWith("#/reports"));
            assertThat(browser.script("return window.__downloads")).as("nothing downloaded").isEqualTo(0L);
            browser.script("location.hash = arguments[0]", "#/link/AU/" + name);
            browser.click("#download-anyway");
        }
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        assertThat(browser.script("return window.__downloads")).isEqualTo(1L);
    }
}
