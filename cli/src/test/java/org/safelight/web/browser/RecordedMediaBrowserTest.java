package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.safelight.format.testing.SharedFiles;

/**
 * A report holding what Chromium's MediaRecorder records (fragmented MP4: H.264 + Opus, VP9 + Opus,
 * an Opus voice note), sealed by the format library, opens in the page and each recording plays.
 */
class RecordedMediaBrowserTest extends BrowserTestBase {
    static Path report;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("alice@example.org", "Alice");
        Path draft = Site.draft(dir.resolve("draft"), "Ada", "Quill", "Recorded in the browser.");
        Files.delete(draft.resolve("gait.m4v"));
        Files.copy(SharedFiles.media("chromium-h264-opus.m4v"), draft.resolve("walk.m4v"));
        Files.copy(SharedFiles.media("chromium-vp9-opus.m4v"), draft.resolve("turn.m4v"));
        Files.copy(SharedFiles.media("chromium-opus.m4a"), draft.resolve("history.m4a"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        report = site.seal(draft, site.token("alice@example.org"), dir.resolve("sent"));
        openBrowser();
    }

    @Test
    void each_recording_plays_in_the_page() throws Exception {
        SignIn.as(browser, site, "alice@example.org");
        Reports.drop(browser, report);
        assertThat(browser.text("#notes")).isEqualTo("Recorded in the browser.");
        List<WebElement> players = browser.driver().findElements(By.cssSelector("video.report-video, audio.report-audio"));
        assertThat(players).extracting(p -> p.getAttribute("data-item"))
                .containsExactlyInAnyOrder("walk", "turn", "history");
        for (WebElement player : players) {
            @SuppressWarnings("unchecked")
            Map<String, Object> played = (Map<String, Object>) browser.asyncScript("""
                    const [media, done] = arguments;
                    media.muted = true;
                    const report = () => done({error: media.error ? media.error.code : 0, time: media.currentTime,
                      width: media.videoWidth || 0, poster: media.poster || ''});
                    media.addEventListener('error', report);
                    media.play().catch(() => {});
                    const started = performance.now();
                    (function wait() {
                      if (media.currentTime > 0.5 || media.error || performance.now() - started > 20000) { media.pause(); report(); }
                      else setTimeout(wait, 50);
                    })();
                    """, player);
            String item = player.getAttribute("data-item");
            assertThat(played.get("error")).as(item + " plays without a media error").isEqualTo(0L);
            assertThat(((Number) played.get("time")).doubleValue()).as(item + " moved on while playing").isGreaterThan(0.5);
            if (!item.equals("history")) {
                assertThat(played.get("width")).as(item + " has its picture").isEqualTo(640L);
                assertThat((String) played.get("poster")).as(item + " shows its thumbnail first").startsWith("blob:");
            }
        }
        assertThat(browser.driver().findElements(By.cssSelector(".cannot-play"))).isEmpty();
        Views.fit(browser);
        shows("recorded-media-report");
    }
}
