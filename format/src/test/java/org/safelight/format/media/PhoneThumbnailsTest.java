package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.format.media.TestJpegs.cornerPicture;
import static org.safelight.format.media.TestJpegs.decode;
import static org.safelight.format.media.TestJpegs.encode;
import static org.safelight.format.media.TestJpegs.exif;
import static org.safelight.format.media.TestJpegs.segment;
import static org.safelight.format.media.TestJpegs.withSegments;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Thumbnails of photos the size phones take (4032 x 3024), which come from the DC coefficients
 * alone ({@link JpegDcDecoder}) rather than a full decode and a scale.
 */
class PhoneThumbnailsTest {
    private static final int WIDTH = 4032;
    private static final int HEIGHT = 3024;

    @Test
    void a_phone_photo_thumbnail_looks_like_the_one_from_a_full_decode() throws IOException {
        byte[] photo = withSegments(phoneJpeg(realLookingPhoto(), 0.92f, false),
                segment(0xE1, exif(ByteOrder.BIG_ENDIAN, 6)));

        BufferedImage fromDc = decode(Thumbnails.photo(photo));
        // what the thumbnail was before: the whole photo decoded, scaled down, turned upright
        BufferedImage fromFull = Pictures.upright(Pictures.fit(decode(photo), Thumbnails.LONG_EDGE), 6);

        assertThat(fromDc.getWidth()).isEqualTo(360);
        assertThat(fromDc.getHeight()).isEqualTo(480);
        assertThat(JpegDcDecoder.decode(photo, Thumbnails.LONG_EDGE)).as("taken by the DC decoder").isNotNull();
        assertThat(meanDifference(fromDc, fromFull)).as("mean difference per channel, of 255").isLessThan(4.0);
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
    void every_orientation_of_a_phone_photo_is_turned_upright(int orientation, String redCorner, String blueCorner)
            throws IOException {
        ByteOrder order = orientation % 2 == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        byte[] photo = withSegments(encode(cornerPicture(WIDTH, HEIGHT)), segment(0xE1, exif(order, orientation)));

        BufferedImage image = decode(Thumbnails.photo(photo));

        boolean turned = orientation >= 5;
        assertThat(image.getWidth()).isEqualTo(turned ? 360 : 480);
        assertThat(image.getHeight()).isEqualTo(turned ? 480 : 360);
        assertThat(ThumbnailsTest.dominant(ThumbnailsTest.corner(image, redCorner))).isEqualTo("red");
        assertThat(ThumbnailsTest.dominant(ThumbnailsTest.corner(image, blueCorner))).isEqualTo("blue");
    }

    @Test
    void a_progressive_phone_photo_is_left_to_imageio_and_still_gets_its_thumbnail() throws IOException {
        byte[] photo = phoneJpeg(cornerPicture(WIDTH, HEIGHT), 0.9f, true);

        assertThat(JpegDcDecoder.decode(photo, Thumbnails.LONG_EDGE)).isNull();
        BufferedImage image = decode(Thumbnails.photo(photo));
        assertThat(image.getWidth()).isEqualTo(480);
        assertThat(ThumbnailsTest.dominant(ThumbnailsTest.corner(image, "top-left"))).isEqualTo("red");
    }

    @Test
    void a_greyscale_phone_photo_is_decoded_from_its_dc_coefficients() throws IOException {
        BufferedImage grey = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, WIDTH / 2, HEIGHT);
        g.dispose();
        byte[] photo = encode(grey);

        BufferedImage small = JpegDcDecoder.decode(photo, Thumbnails.LONG_EDGE);

        assertThat(small).isNotNull();
        assertThat(small.getWidth()).isEqualTo(504);
        assertThat(small.getRGB(10, 10) & 0xFF).isGreaterThan(245);
        assertThat(small.getRGB(490, 10) & 0xFF).isLessThan(10);
    }

    @Test
    void a_phone_photo_cut_short_in_its_image_data_is_refused_as_truncated() throws IOException {
        byte[] photo = encode(cornerPicture(WIDTH, HEIGHT));
        byte[] cut = Arrays.copyOf(photo, photo.length / 2);

        assertThat(JpegDcDecoder.decode(cut, Thumbnails.LONG_EDGE)).isNull();
        assertThatThrownBy(() -> Thumbnails.photo(cut)).isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("truncated");
    }

    /** Mean absolute difference over every pixel and channel. */
    static double meanDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    /**
     * The fixture photo (a real scene) enlarged to phone size with sensor-like grain, so the JPEG
     * has detail at every scale as a phone's does.
     */
    private static BufferedImage realLookingPhoto() throws IOException {
        BufferedImage scene = decode(java.nio.file.Files.readAllBytes(TestJpegs.media("photo-landscape.jpg")));
        BufferedImage big = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(scene, 0, 0, WIDTH, HEIGHT, null);
        g.dispose();
        Random random = new Random(14);
        int[] row = new int[WIDTH];
        for (int y = 0; y < HEIGHT; y++) {
            big.getRGB(0, y, WIDTH, 1, row, 0, WIDTH);
            for (int x = 0; x < WIDTH; x++) {
                int grain = random.nextInt(17) - 8;
                int p = row[x];
                row[x] = JpegDcDecoder.clamp((p >> 16 & 0xFF) + grain) << 16
                        | JpegDcDecoder.clamp((p >> 8 & 0xFF) + grain) << 8 | JpegDcDecoder.clamp((p & 0xFF) + grain);
            }
            big.setRGB(0, y, WIDTH, 1, row, 0, WIDTH);
        }
        return big;
    }

    private static byte[] phoneJpeg(BufferedImage image, float quality, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
