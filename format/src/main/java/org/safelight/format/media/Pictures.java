package org.safelight.format.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Operations on decoded images that every kind of thumbnail shares. Stateless and thread-safe. */
final class Pictures {
    private static final float JPEG_QUALITY = 0.85f;

    private Pictures() {
    }

    /**
     * An opaque RGB copy of {@code source} whose longer edge is at most {@code longEdge}, keeping the
     * aspect ratio; never enlarged. Shrinks by repeated halving first, because a single bilinear or
     * bicubic step from far away samples only a few source pixels and lets detail alias into noise.
     */
    static BufferedImage fit(BufferedImage source, int longEdge) {
        int width = source.getWidth();
        int height = source.getHeight();
        double scale = Math.min(1.0, (double) longEdge / Math.max(width, height));
        int targetWidth = Math.max(1, (int) Math.round(width * scale));
        int targetHeight = Math.max(1, (int) Math.round(height * scale));
        BufferedImage current = source;
        while (current.getWidth() / 2 >= targetWidth && current.getHeight() / 2 >= targetHeight) {
            current = redraw(current, current.getWidth() / 2, current.getHeight() / 2,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return redraw(current, targetWidth, targetHeight, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    /**
     * An RGB image whose longer edge is at most {@code longEdge}, by area averaging: each target
     * pixel is the mean of the source pixels it covers, weighted by how much of each it covers. For
     * the small reductions left after a 1/8-scale decode (504 to 480 px) this is as good as bicubic
     * and, on plain arrays, much cheaper than Java2D's generic interpolation loops.
     */
    static BufferedImage shrink(BufferedImage source, int longEdge) {
        int width = source.getWidth();
        int height = source.getHeight();
        double scale = Math.min(1.0, (double) longEdge / Math.max(width, height));
        int targetWidth = Math.max(1, (int) Math.round(width * scale));
        int targetHeight = Math.max(1, (int) Math.round(height * scale));
        int[] pixels = rgbPixels(source);
        // horizontal pass into three float planes, then vertical into the target
        float[][] rows = new float[3][targetWidth * height];
        Weights horizontal = new Weights(width, targetWidth);
        for (int y = 0; y < height; y++) {
            int rowStart = y * width;
            for (int x = 0; x < targetWidth; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                int first = horizontal.first[x];
                int at = x * horizontal.span;
                for (int i = first; i <= horizontal.last[x]; i++) {
                    float w = horizontal.weights[at++];
                    int p = pixels[rowStart + i];
                    r += w * (p >> 16 & 0xFF);
                    g += w * (p >> 8 & 0xFF);
                    b += w * (p & 0xFF);
                }
                rows[0][y * targetWidth + x] = r;
                rows[1][y * targetWidth + x] = g;
                rows[2][y * targetWidth + x] = b;
            }
        }
        BufferedImage target = new BufferedImage(targetWidth, targetHeight, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) target.getRaster().getDataBuffer()).getData();
        Weights vertical = new Weights(height, targetHeight);
        for (int y = 0; y < targetHeight; y++) {
            int first = vertical.first[y];
            int last = vertical.last[y];
            for (int x = 0; x < targetWidth; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float[] plane = rows[c];
                    float v = 0;
                    int at = y * vertical.span;
                    for (int i = first; i <= last; i++) {
                        v += vertical.weights[at++] * plane[i * targetWidth + x];
                    }
                    rgb = rgb << 8 | JpegDcDecoder.clamp(Math.round(v));
                }
                out[y * targetWidth + x] = rgb;
            }
        }
        return target;
    }

    /** The image's pixels as 0xRRGGBB ints: its own array when it is already stored so, else a converted copy. */
    private static int[] rgbPixels(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getDataBuffer() instanceof DataBufferInt d
                && d.getNumBanks() == 1 && d.getOffset() == 0
                && image.getRaster().getSampleModel().getWidth() == image.getWidth()
                && image.getRaster().getSampleModelTranslateX() == 0 && image.getRaster().getSampleModelTranslateY() == 0) {
            return d.getData();
        }
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    /**
     * Which source pixels each target pixel covers along one axis, and how much of each: target t
     * covers {@code first[t]..last[t]}, with the shares (adding up to 1) from {@code weights[t * span]} on.
     */
    private static final class Weights {
        final int[] first;
        final int[] last;
        final int span;
        final float[] weights;

        Weights(int sourceLength, int targetLength) {
            double step = (double) sourceLength / targetLength;
            first = new int[targetLength];
            last = new int[targetLength];
            int widest = 1;
            for (int t = 0; t < targetLength; t++) {
                first[t] = (int) Math.floor(t * step);
                last[t] = Math.min(sourceLength - 1, (int) Math.ceil((t + 1) * step) - 1);
                widest = Math.max(widest, last[t] - first[t] + 1);
            }
            span = widest;
            weights = new float[targetLength * span];
            for (int t = 0; t < targetLength; t++) {
                for (int i = first[t]; i <= last[t]; i++) {
                    double start = Math.max(t * step, i);
                    double end = Math.min((t + 1) * step, i + 1);
                    weights[t * span + i - first[t]] = (float) (Math.max(0, end - start) / step);
                }
            }
        }
    }

    /**
     * The image as it should be displayed given its EXIF orientation (1..8, other values are
     * treated as 1): one of the four rotations, optionally mirrored. Exact pixel moves, no resampling.
     */
    static BufferedImage upright(BufferedImage stored, int orientation) {
        if (!ExifOrientation.isValid(orientation) || orientation == ExifOrientation.NORMAL) {
            return stored;
        }
        int width = stored.getWidth();
        int height = stored.getHeight();
        boolean swapsEdges = orientation >= 5;
        BufferedImage shown = new BufferedImage(swapsEdges ? height : width, swapsEdges ? width : height,
                BufferedImage.TYPE_INT_RGB);
        int[] from = rgbPixels(stored);
        int[] to = ((DataBufferInt) shown.getRaster().getDataBuffer()).getData();
        int shownWidth = shown.getWidth();
        int lastX = width - 1;
        int lastY = height - 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // Where stored pixel (x, y) goes; e.g. 6 means "row 0 is the right side, column 0 the top".
                int shownX = switch (orientation) {
                    case 2, 3 -> lastX - x;
                    case 4 -> x;
                    case 5, 8 -> y;
                    default -> lastY - y; // 6, 7
                };
                int shownY = switch (orientation) {
                    case 2 -> y;
                    case 3, 4 -> lastY - y;
                    case 5, 6 -> x;
                    default -> lastX - x; // 7, 8
                };
                to[shownY * shownWidth + shownX] = from[y * width + x] & 0xFFFFFF;
            }
        }
        return shown;
    }

    /**
     * The image as a baseline JPEG at quality 0.85. Encodes in memory only: ImageIO's default
     * output stream may spill to a temporary file, which would leave patient images on disk.
     */
    static byte[] jpeg(BufferedImage rgb) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A graphics context for drawing shapes and text smoothly. The caller disposes it. */
    static Graphics2D smooth(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        return g;
    }

    private static BufferedImage redraw(BufferedImage source, int width, int height, Object interpolation) {
        // TYPE_INT_RGB has no alpha: the JDK's JPEG writer cannot encode ARGB images
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            // transparent source pixels (a PNG, say) become white rather than black
            g.drawImage(source, 0, 0, width, height, Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
