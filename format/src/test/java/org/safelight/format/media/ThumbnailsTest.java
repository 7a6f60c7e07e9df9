package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.format.media.TestJpegs.cornerPicture;
import static org.safelight.format.media.TestJpegs.decode;
import static org.safelight.format.media.TestJpegs.encode;
import static org.safelight.format.media.TestJpegs.exif;
import static org.safelight.format.media.TestJpegs.media;
import static org.safelight.format.media.TestJpegs.segment;
import static org.safelight.format.media.TestJpegs.withSegments;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.GpsDirectory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThumbnailsTest {
    private static final Path LANDSCAPE = media("photo-landscape.jpg");
    private static final Path ROTATED = media("photo-rotated.jpg");
    private static final Path CLIP = media("clip.m4v");
    private static final Path VOICE = media("voice.m4a");

    @TempDir
    Path temp;

    @Test
    void a_landscape_photo_thumbnail_is_480_by_360_and_carries_no_metadata() throws Exception {
        byte[] thumbnail = Thumbnails.photo(LANDSCAPE);

        BufferedImage image = decode(thumbnail);
        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(360);
        assertThat(image.getColorModel().hasAlpha()).isFalse();
        Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(thumbnail));
        assertThat(metadata.getFirstDirectoryOfType(GpsDirectory.class)).isNull();
        assertThat(metadata.getFirstDirectoryOfType(ExifIFD0Directory.class)).isNull();
    }

    @Test
    void a_rotated_photo_thumbnail_is_upright() throws IOException {
        // Stored 900x1200 as red, green and blue bands from top to bottom, each dark on the left and
        // bright on the right. Orientation 6 turns it 90 degrees clockwise: red ends up on the right,
        // blue on the left, dark at the top and bright at the bottom.
        BufferedImage image = decode(Thumbnails.photo(ROTATED));

        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(360);
        assertThat(dominant(image.getRGB(400, 300))).isEqualTo("red");
        assertThat(dominant(image.getRGB(240, 300))).isEqualTo("green");
        assertThat(dominant(image.getRGB(80, 300))).isEqualTo("blue");
        assertThat(brightness(image.getRGB(400, 20))).isLessThan(brightness(image.getRGB(400, 340)) / 4);
    }

    @ParameterizedTest(name = "orientation {0}: red corner {1}, blue corner {2}")
    @CsvSource({
        "1, top-left, top-right",
        "2, top-right, top-left",
        "3, bottom-right, bottom-left",
        "4, bottom-left, bottom-right",
        "5, top-left, bottom-left",
        "6, top-right, bottom-right",
        "7, bottom-right, top-right",
        "8, bottom-left, top-left",
    })
    void every_orientation_is_turned_upright(int orientation, String redCorner, String blueCorner) throws IOException {
        // stored: 64x32, red square top-left, blue square top-right
        Path photo = temp.resolve("o" + orientation + ".jpg");
        ByteOrder order = orientation % 2 == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        Files.write(photo, withSegments(encode(cornerPicture(64, 32)), segment(0xE1, exif(order, orientation))));

        BufferedImage image = decode(Thumbnails.photo(photo));

        boolean turned = orientation >= 5;
        assertThat(image.getWidth()).isEqualTo(turned ? 32 : 64);
        assertThat(image.getHeight()).isEqualTo(turned ? 64 : 32);
        assertThat(dominant(corner(image, redCorner))).isEqualTo("red");
        assertThat(dominant(corner(image, blueCorner))).isEqualTo("blue");
    }

    @Test
    void a_small_photo_is_never_enlarged() throws IOException {
        Path photo = temp.resolve("small.jpg");
        Files.write(photo, encode(cornerPicture(200, 120)));

        BufferedImage image = decode(Thumbnails.photo(photo));

        assertThat(image.getWidth()).isEqualTo(200);
        assertThat(image.getHeight()).isEqualTo(120);
    }

    @Test
    void a_video_thumbnail_is_a_real_frame_with_a_play_symbol() throws IOException {
        BufferedImage image = decode(Thumbnails.video(CLIP));

        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(360);
        // the clip is a colour-bar test pattern: a decoded frame varies a lot, a blank one would not
        assertThat(variance(image)).isGreaterThan(2000);
        assertThat(dominant(image.getRGB(20, 100))).as("black bar on the left").isEqualTo("dark");
        assertThat(dominant(image.getRGB(150, 100))).as("magenta bar").isEqualTo("magenta");
        int centre = image.getRGB(240, 180);
        assertThat(brightness(centre)).as("the play triangle is light").isGreaterThan(200);
    }

    @Test
    void an_audio_thumbnail_is_a_drawn_480_by_360_picture() throws IOException {
        BufferedImage image = decode(Thumbnails.audio(VOICE));

        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(image.getHeight()).isEqualTo(360);
        assertThat(brightness(image.getRGB(5, 5))).as("a light background").isGreaterThan(220);
        assertThat(variance(image)).as("something is drawn on it").isGreaterThan(100);
    }

    @Test
    void the_audio_length_comes_from_the_mp4_container() throws IOException {
        assertThat(Mp4Files.audioDuration(VOICE)).isEqualTo(Duration.ofSeconds(3));
        assertThat(AudioCard.format(Mp4Files.audioDuration(VOICE))).isEqualTo("0:03");
    }

    @ParameterizedTest
    @CsvSource({"0, 0:00", "499, 0:00", "2600, 0:03", "65000, 1:05", "3599400, 59:59", "3725000, 1:02:05"})
    void a_length_is_shown_as_players_show_it(long millis, String shown) {
        assertThat(AudioCard.format(Duration.ofMillis(millis))).isEqualTo(shown);
    }

    @Test
    void a_text_file_named_like_a_video_is_refused() throws IOException {
        Path text = Files.writeString(temp.resolve("clip.m4v"), "This is not a video, just some notes.\n");

        assertThatThrownBy(() -> Thumbnails.video(text))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("video file is not an MP4 file")
                .message().doesNotContain(temp.toString());
    }

    @Test
    void random_bytes_are_refused_as_audio_and_as_a_photo() throws IOException {
        byte[] random = new byte[5000];
        new Random(3).nextBytes(random);
        Path audio = Files.write(temp.resolve("voice.m4a"), random);
        Path photo = Files.write(temp.resolve("photo.jpg"), random);

        assertThatThrownBy(() -> Thumbnails.audio(audio))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("audio file is not an MP4 file");
        assertThatThrownBy(() -> Thumbnails.photo(photo))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("photo is not a JPEG image (no start-of-image marker)");
    }

    @Test
    void an_audio_file_is_refused_as_a_video_and_a_photo_as_either() {
        assertThatThrownBy(() -> Thumbnails.video(VOICE))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("video file has no video track");
        assertThatThrownBy(() -> Thumbnails.video(LANDSCAPE))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("video file is not an MP4 file");
        assertThatThrownBy(() -> Thumbnails.audio(LANDSCAPE))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessage("audio file is not an MP4 file");
    }

    @Test
    void a_video_cut_short_is_refused() throws IOException {
        byte[] clip = Files.readAllBytes(CLIP);
        Path half = Files.write(temp.resolve("half.m4v"), Arrays.copyOf(clip, clip.length / 2));
        Path empty = Files.write(temp.resolve("empty.m4v"), new byte[0]);

        assertThatThrownBy(() -> Thumbnails.video(half))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> Thumbnails.video(empty))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("no MP4 movie header");
    }

    @Test
    void a_forged_movie_box_size_is_refused_before_anything_is_allocated() throws IOException {
        ByteBuffer forged = ByteBuffer.allocate(1024);
        forged.putInt(16).put(TestJpegs.ascii("ftypM4V ")).putInt(0);
        forged.putInt(1).put(TestJpegs.ascii("moov")).putLong(1L << 40); // a 1 TiB movie box in a 1 KiB file
        Path file = Files.write(temp.resolve("forged.m4v"), forged.array());

        assertThatThrownBy(() -> Thumbnails.video(file))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("runs past the end");
    }

    @Test
    void an_implausibly_large_movie_box_is_refused_even_when_the_file_is_that_large() throws IOException {
        long size = 100L << 20;
        Path file = temp.resolve("huge.m4a");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(32);
            header.putInt(16).put(TestJpegs.ascii("ftypM4A ")).putInt(0);
            header.putInt(1).put(TestJpegs.ascii("moov")).putLong(size - 16);
            channel.write(header.flip());
            channel.write(ByteBuffer.allocate(1), size - 1); // sparse: the rest reads as zeros
        }

        assertThatThrownBy(() -> Thumbnails.audio(file))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("implausibly large");
    }

    static int corner(BufferedImage image, String corner) {
        int inset = 4;
        int x = corner.endsWith("left") ? inset : image.getWidth() - 1 - inset;
        int y = corner.startsWith("top") ? inset : image.getHeight() - 1 - inset;
        return image.getRGB(x, y);
    }

    /** A coarse name for a colour, enough to tell the test pictures' regions apart. */
    static String dominant(int rgb) {
        Color c = new Color(rgb);
        int r = c.getRed();
        int g = c.getGreen();
        int b = c.getBlue();
        if (Math.max(r, Math.max(g, b)) < 60) {
            return "dark";
        }
        if (r > 2 * g && b > 2 * g) {
            return "magenta";
        }
        if (r > 2 * g && r > 2 * b) {
            return "red";
        }
        if (g > 2 * r && g > 2 * b) {
            return "green";
        }
        if (b > 2 * r && b > 2 * g) {
            return "blue";
        }
        return "other " + c;
    }

    private static int brightness(int rgb) {
        Color c = new Color(rgb);
        return (c.getRed() + c.getGreen() + c.getBlue()) / 3;
    }

    private static double variance(BufferedImage image) {
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int v = brightness(image.getRGB(x, y));
                sum += v;
                squares += (double) v * v;
                n++;
            }
        }
        double mean = sum / n;
        return squares / n - mean * mean;
    }
}
