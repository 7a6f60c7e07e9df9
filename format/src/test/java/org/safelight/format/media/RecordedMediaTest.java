package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.format.media.TestJpegs.decode;
import static org.safelight.format.media.TestJpegs.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Chromium's MediaRecorder writes (fixtures recorded with its fake camera and microphone,
 * 2.5 s each; see fixtures/README.md): fragmented MP4 with H.264 or VP9 video and Opus sound, whose
 * movie header often gives no length. Each gets a thumbnail and its real length.
 */
class RecordedMediaTest {
    private static final Path H264 = media("chromium-h264-opus.m4v");
    private static final Path VP9 = media("chromium-vp9-opus.m4v");
    private static final Path OPUS = media("chromium-opus.m4a");

    @TempDir
    Path temp;

    @Test
    void a_fragmented_h264_recording_gets_its_first_frame_with_a_play_symbol() throws IOException {
        BufferedImage image = decode(Thumbnails.video(H264));

        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(360);
        // Chromium's fake camera draws a picture with moving shapes: a decoded frame is far from flat
        assertThat(spread(image)).isGreaterThan(60);
        assertThat(brightness(image.getRGB(240, 180))).as("the play triangle is light").isGreaterThan(200);
    }

    @Test
    void a_vp9_recording_gets_a_card_with_its_length_since_no_java_decoder_reads_vp9() throws IOException {
        assertThat(Mp4Files.frameNearStart(VP9)).isEmpty();
        BufferedImage image = decode(Thumbnails.video(VP9));

        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(360);
        assertThat(brightness(image.getRGB(240, 180))).as("the play triangle is light").isGreaterThan(200);
        assertThat(brightness(image.getRGB(240, 130))).as("the dark disc around it").isLessThan(160);
    }

    @Test
    void lengths_come_from_the_fragments_when_the_movie_header_says_none() throws IOException {
        assertThat(Mp4Files.videoDuration(VP9)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(3000));
        assertThat(Mp4Files.videoDuration(H264)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(3000));
        assertThat(Mp4Files.audioDuration(OPUS)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(3000));
        assertThat(decode(Thumbnails.audio(OPUS)).getWidth()).isEqualTo(480);
    }

    @Test
    void a_recording_cut_short_is_refused_clearly() throws IOException {
        byte[] bytes = Files.readAllBytes(H264);
        Path half = Files.write(temp.resolve("half.m4v"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Thumbnails.video(half)).isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void a_fragment_whose_sample_lies_outside_the_file_is_refused() throws IOException {
        byte[] bytes = Files.readAllBytes(H264);
        // the first trun's data offset (flags 0x1): point it far past the end of the file
        int trun = indexOf(bytes, "trun");
        bytes[trun + 12] = 0x7F;
        Path forged = Files.write(temp.resolve("forged.m4v"), bytes);
        assertThatThrownBy(() -> Thumbnails.video(forged)).isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("outside the file");
    }

    private static int indexOf(byte[] bytes, String type) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + 4 <= bytes.length; i++) {
            for (int j = 0; j < 4; j++) {
                if (bytes[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(type + " not found");
    }

    /** The difference between the darkest and brightest of a grid of points. */
    private static int spread(BufferedImage image) {
        int min = 255;
        int max = 0;
        for (int y = 10; y < image.getHeight(); y += 20) {
            for (int x = 10; x < image.getWidth(); x += 20) {
                int b = brightness(image.getRGB(x, y));
                min = Math.min(min, b);
                max = Math.max(max, b);
            }
        }
        return max - min;
    }

    private static int brightness(int rgb) {
        return (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF)) / 3;
    }
}
