package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.testing.DirtyMedia;
import org.safelight.format.testing.Bytes;

/**
 * {@code safelight seal} of a draft whose photo, video, voice note and verbal consent carry a
 * location, the phone's make and model and creation times: the opened report holds none of them,
 * and a truncated video is refused with its file name and what is wrong.
 */
class SealCleansMediaCommandTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private Path dirtyDraft() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.write(draft.resolve("wound.jpg"), DirtyMedia.photo());
        Files.write(draft.resolve("gait.m4v"), DirtyMedia.video());
        Files.write(draft.resolve("history.m4a"), DirtyMedia.audio());
        Files.delete(draft.resolve("consent.jpg"));
        Files.write(draft.resolve("consent.m4a"), DirtyMedia.audio());
        Files.writeString(draft.resolve("metadata.json"), Files.readString(draft.resolve("metadata.json"))
                .replace("\"type\": \"signed\"", "\"type\": \"verbal\""));
        return draft;
    }

    @Test
    void a_sealed_report_keeps_no_location_make_or_model_of_any_item() throws IOException {
        dirtyDraft();

        Cli.Result seal = Cli.run("seal", p("draft"), "-o", p("report.picsafe"), "--password", "k3y",
                "--keyserver-url", "https://keys.example.org");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        Cli.Result open = Cli.run("open", p("report.picsafe"), "-o", p("opened"), "--password", "k3y");
        assertThat(open.exitCode()).as(open.stderr()).isZero();

        List<Path> opened;
        try (Stream<Path> files = Files.list(dir.resolve("opened"))) {
            opened = files.toList();
        }
        assertThat(opened).extracting(f -> f.getFileName().toString())
                .contains("wound.jpg", "gait.m4v", "history.m4a", "consent.m4a");
        for (Path file : opened) {
            byte[] bytes = Files.readAllBytes(file);
            for (String secret : DirtyMedia.SECRETS) {
                assertThat(Bytes.indexOf(bytes, secret.getBytes(StandardCharsets.ISO_8859_1)))
                        .as(file.getFileName() + " holds " + secret).isNegative();
            }
        }
        assertThat(dir.resolve("opened/gait.m4v")).hasSize(DirtyMedia.video().length);
    }

    @Test
    void a_truncated_video_is_refused_naming_the_file() throws IOException {
        Path draft = dirtyDraft();
        byte[] video = DirtyMedia.video();
        Files.write(draft.resolve("gait.m4v"), Arrays.copyOf(video, video.length - 1000));

        Cli.Result seal = Cli.run("seal", p("draft"), "-o", p("report.picsafe"), "--password", "k3y",
                "--keyserver-url", "https://keys.example.org");

        assertThat(seal.exitCode()).isNotZero();
        assertThat(seal.stderr()).contains("gait.m4v: ").containsPattern("truncated|damaged");
        assertThat(dir.resolve("report.picsafe")).doesNotExist();
    }

}
