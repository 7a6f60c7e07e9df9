package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.media.Mp4Metadata;
import org.safelight.format.testing.SharedFiles;

/**
 * A draft holding what Chromium's MediaRecorder records in the composer (fragmented MP4: H.264 or
 * VP9 video with Opus sound, an Opus voice note) seals and opens with the CLI like any other.
 */
class RecordedMediaCommandTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void recordings_made_in_chromium_seal_with_thumbnails_and_open_with_only_their_times_cleared() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.delete(draft.resolve("gait.m4v"));
        Files.copy(SharedFiles.media("chromium-h264-opus.m4v"), draft.resolve("walk.m4v"));
        Files.copy(SharedFiles.media("chromium-vp9-opus.m4v"), draft.resolve("turn.m4v"));
        Files.copy(SharedFiles.media("chromium-opus.m4a"), draft.resolve("history.m4a"));

        Cli.Result seal = Cli.run("seal", p("draft"), "-o", p("report.picsafe"), "--password", "k3y",
                "--keyserver-url", "https://keys.example.org");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        assertThat(seal.out()).contains("1 photo, 2 videos, 1 audio");

        Cli.Result open = Cli.run("open", p("report.picsafe"), "-o", p("opened"), "--password", "k3y");
        assertThat(open.exitCode()).as(open.stderr()).isZero();
        for (String item : new String[] {"walk", "turn", "history"}) {
            assertThat(dir.resolve("opened/" + item + "-thumbnail.jpg")).isNotEmptyFile();
        }
        // the recordings without their creation times, every sample in place
        assertThat(dir.resolve("opened/walk.m4v")).hasBinaryContent(cleaned("chromium-h264-opus.m4v"));
        assertThat(dir.resolve("opened/turn.m4v")).hasBinaryContent(cleaned("chromium-vp9-opus.m4v"));
        assertThat(dir.resolve("opened/history.m4a")).hasBinaryContent(cleaned("chromium-opus.m4a"));
    }

    private static byte[] cleaned(String fixture) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Mp4Metadata.strip(SharedFiles.media(fixture), out);
        assertThat(out.size()).isEqualTo(Files.size(SharedFiles.media(fixture)));
        return out.toByteArray();
    }
}
