package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shrink and the turn read an RGB image's own pixel array when they can: same pixels as through getRGB. */
class PicturesTest {
    @Test
    void shrinking_an_int_rgb_image_gives_the_pixels_of_shrinking_the_same_image_stored_otherwise() {
        BufferedImage rgb = noise(504, 378, BufferedImage.TYPE_INT_RGB);
        BufferedImage bgr = copy(rgb, BufferedImage.TYPE_3BYTE_BGR);

        assertThat(pixels(Pictures.shrink(rgb, 480))).isEqualTo(pixels(Pictures.shrink(bgr, 480)));
        assertThat(Pictures.shrink(rgb, 480).getWidth()).isEqualTo(480);
        assertThat(Pictures.shrink(rgb, 480).getHeight()).isEqualTo(360);
    }

    @Test
    void a_part_of_a_larger_image_is_turned_and_shrunk_from_its_own_pixels_only() {
        BufferedImage whole = noise(300, 200, BufferedImage.TYPE_INT_RGB);
        BufferedImage part = whole.getSubimage(40, 30, 120, 90); // shares the whole image's array
        BufferedImage alone = copy(part, BufferedImage.TYPE_INT_RGB);

        for (int orientation = 1; orientation <= 8; orientation++) {
            assertThat(pixels(Pictures.upright(part, orientation))).as("orientation %d", orientation)
                    .isEqualTo(pixels(Pictures.upright(alone, orientation)));
        }
        assertThat(pixels(Pictures.shrink(part, 100))).isEqualTo(pixels(Pictures.shrink(alone, 100)));
    }

    private static BufferedImage noise(int width, int height, int type) {
        Random random = new Random(width * 31L + height);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static BufferedImage copy(BufferedImage source, int type) {
        BufferedImage copy = new BufferedImage(source.getWidth(), source.getHeight(), type);
        for (int y = 0; y < source.getHeight(); y++) {
            for (int x = 0; x < source.getWidth(); x++) {
                copy.setRGB(x, y, source.getRGB(x, y));
            }
        }
        return copy;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
