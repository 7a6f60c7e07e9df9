package org.safelight.bench.seal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.safelight.format.media.Photos;
import org.safelight.format.media.Thumbnails;

/**
 * One thread, one photo at a time: milliseconds per photo for the ways a thumbnail's pixels can
 * be decoded. {@code ThumbnailDecoders PHOTO [ROUNDS]}. Prints the median of the rounds for each.
 */
public final class ThumbnailDecoders {
    private ThumbnailDecoders() {
    }

    public static void main(String[] args) throws Exception {
        byte[] file = Files.readAllBytes(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        Photos.stripMetadata(new ByteArrayInputStream(file), s);
        byte[] stripped = s.toByteArray();
        time("strip only (the copy's work)", rounds, () -> {
            ByteArrayOutputStream o = new ByteArrayOutputStream(file.length);
            Photos.stripMetadata(new ByteArrayInputStream(file), o);
        });
        time("ImageIO full decode", rounds, () -> imageio(stripped, 1));
        time("ImageIO subsampled 4x4", rounds, () -> imageio(stripped, 4));
        time("ImageIO subsampled 8x8", rounds, () -> imageio(stripped, 8));
        time("Thumbnails.photo (DC decode, fit, upright, encode)", rounds, () -> Thumbnails.photo(file));
    }

    private static BufferedImage imageio(byte[] jpeg, int factor) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        try {
            reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg)), true, true);
            ImageReadParam p = reader.getDefaultReadParam();
            p.setSourceSubsampling(factor, factor, 0, 0);
            return reader.read(0, p);
        } finally {
            reader.dispose();
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static void time(String what, int rounds, Work work) throws Exception {
        long[] ms = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.printf("%-52s median %4d ms  (min %d, max %d)%n", what, ms[rounds / 2], ms[0], ms[rounds - 1]);
    }
}
