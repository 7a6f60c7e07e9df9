package org.safelight.format.media;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The small JPEG pictures ({@code {ItemID}-thumbnail.jpg}) that stand for a report's photos, videos
 * and audio clips: upright, RGB, at most {@value #LONG_EDGE} pixels on the longer edge, never
 * enlarged. Pure Java (ImageIO, Java2D, JCodec) and headless-safe. Stateless and thread-safe.
 */
public final class Thumbnails {
    /** The longer edge of a thumbnail, in pixels. */
    public static final int LONG_EDGE = 480;
    /**
     * Photos with more pixels than this are refused before decoding: a few bytes can declare any
     * size, and the JDK's decoder would allocate for it (a 150-byte 20000 x 20000 file ran out of heap).
     */
    public static final long MAX_PIXELS = 100_000_000L;
    /** Photo files up to this size are read into memory (and decoded from their DC coefficients). */
    public static final long IN_MEMORY_LIMIT = 32L << 20;

    private Thumbnails() {
    }

    /**
     * A thumbnail of a JPEG photo, turned upright according to its EXIF orientation.
     *
     * @throws MalformedMediaException if the file is not a JPEG that the JDK can decode (a CMYK
     *     JPEG, for one, cannot be)
     */
    public static byte[] photo(Path jpeg) throws IOException {
        if (Files.size(jpeg) <= IN_MEMORY_LIMIT) {
            return photo(Files.readAllBytes(jpeg));
        }
        // A large scan or panorama is never held whole: it is stripped into a private temp file
        // (0600, createTempFile's default on POSIX, deleted at once) and decoded subsampled from there.
        int orientation = Photos.orientation(jpeg);
        Path stripped = Files.createTempFile("safelight-", ".jpg");
        try {
            Photos.stripMetadata(jpeg, stripped);
            BufferedImage image = decodeJpeg(new FileImageInputStream(stripped.toFile()));
            return Pictures.jpeg(Pictures.upright(Pictures.fit(image, LONG_EDGE), orientation));
        } finally {
            Files.deleteIfExists(stripped);
        }
    }

    /**
     * A thumbnail of a JPEG photo held in memory (the file as the draft holds it, metadata and all),
     * as {@link #photo(Path)} makes it.
     *
     * @throws MalformedMediaException as {@link #photo(Path)}
     */
    public static byte[] photo(byte[] jpeg) throws IOException {
        int orientation = Photos.orientation(jpeg);
        // A phone photo's DC coefficients already are a picture at 1/8 scale (504 x 378 for 12 MP):
        // no inverse DCT and no full-size image. What that decoder leaves (progressive, CMYK, photos
        // under 3840 px whose 1/8 would be smaller than a thumbnail) or finds damaged goes through
        // ImageIO, which also gives the usual error for a damaged file.
        BufferedImage small = JpegDcDecoder.decode(jpeg, LONG_EDGE);
        BufferedImage fitted = small != null
                ? Pictures.shrink(small, LONG_EDGE)
                : Pictures.fit(decodeStripped(jpeg), LONG_EDGE);
        // scaling first means only the small image is turned
        return Pictures.jpeg(Pictures.upright(fitted, orientation));
    }

    private static BufferedImage decodeStripped(byte[] jpeg) throws IOException {
        // Decoded from the stripped copy, what the report keeps: the JDK's decoder refuses markers
        // that stripping drops (the JPGn extensions F0-FD, for one), which phones' editors may leave.
        ByteArrayOutputStream stripped = new ByteArrayOutputStream(jpeg.length);
        Photos.stripMetadata(new ByteArrayInputStream(jpeg), stripped);
        byte[] bytes = stripped.toByteArray();
        return decodeJpeg(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
    }

    /**
     * A thumbnail of an MP4 video: a real frame from near the start (half a second in, or the first
     * frame of a shorter clip), with a "play" symbol over it so it reads as a video.
     *
     * A fragmented recording in a codec JCodec cannot decode (VP9, as Chromium records
     * {@code video/mp4} by default) gets a card with the play symbol and the video's length instead.
     *
     * @throws MalformedMediaException if the file is not an MP4 file with a video track, or its
     *     H.264 video cannot be decoded
     */
    public static byte[] video(Path m4v) throws IOException {
        Optional<BufferedImage> decoded = Mp4Files.frameNearStart(m4v);
        BufferedImage frame = decoded.isPresent() ? Pictures.fit(decoded.get(), LONG_EDGE)
                : AudioCard.videoCard(Mp4Files.videoDuration(m4v));
        drawPlaySymbol(frame);
        return Pictures.jpeg(frame);
    }

    /**
     * A picture standing for an MP4 audio recording: a microphone and the recording's length
     * ({@code 0:03}), {@value #LONG_EDGE} by 360 pixels.
     *
     * @throws MalformedMediaException if the file is not an MP4 file with an audio track
     */
    public static byte[] audio(Path m4a) throws IOException {
        return Pictures.jpeg(AudioCard.draw(Mp4Files.audioDuration(m4a)));
    }

    private static BufferedImage decodeJpeg(ImageInputStream jpeg) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        try (ImageInputStream in = jpeg) {
            // metadata is not needed: the orientation was read from the segments directly
            reader.setInput(in, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width * height > MAX_PIXELS) {
                throw new MalformedMediaException("photo is " + width + " x " + height
                        + " pixels, more than the " + MAX_PIXELS / 1_000_000 + " megapixels a report takes");
            }
            // Every n-th pixel of every n-th row: the JDK decodes row by row into the smaller image,
            // so no full-size image is made. Still 4 x the thumbnail, which Pictures.fit then
            // averages down, so the point sampling does not alias; photos under 3840 px are unchanged.
            int n = (int) Math.max(1, Math.max(width, height) / (4L * LONG_EDGE));
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(n, n, 0, 0);
            BufferedImage image = reader.read(0, param);
            if (image.getWidth() < 1 || image.getHeight() < 1) {
                throw new MalformedMediaException("photo has no pixels");
            }
            return image;
        } catch (IIOException | RuntimeException e) {
            throw new MalformedMediaException("photo could not be decoded as a JPEG image", e);
        } finally {
            reader.dispose();
        }
    }

    /** A translucent dark disc with a light triangle, centred, sized to the picture. */
    private static void drawPlaySymbol(BufferedImage frame) {
        double radius = Math.min(frame.getWidth(), frame.getHeight()) * 0.14;
        double x = frame.getWidth() / 2.0;
        double y = frame.getHeight() / 2.0;
        Graphics2D g = Pictures.smooth(frame);
        try {
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.5f));
            g.setColor(Color.BLACK);
            g.fill(new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius));
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.9f));
            g.setColor(Color.WHITE);
            // a triangle's visual centre is left of its bounding box's, so nudge it right
            double side = radius * 0.95;
            double shift = side * 0.15;
            Path2D.Double triangle = new Path2D.Double();
            triangle.moveTo(x - side / 2 + shift, y - side / 2 * 1.1);
            triangle.lineTo(x - side / 2 + shift, y + side / 2 * 1.1);
            triangle.lineTo(x + side / 2 + shift, y);
            triangle.closePath();
            g.fill(triangle);
        } finally {
            g.dispose();
        }
    }
}
