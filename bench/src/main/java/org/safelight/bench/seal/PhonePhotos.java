package org.safelight.bench.seal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes JPEGs shaped like a phone's: 4032 by 3024, 4:2:0, quality 0.92, about 4 MB each because
 * the picture has detail at every scale (fractal noise, soft shapes and sensor grain), and an EXIF
 * block with make, model, date, orientation and GPS position. One file per seed, so the set is the
 * same on every machine. Usage: {@code PhonePhotos DIR COUNT [WIDTH HEIGHT]}; existing files are kept.
 */
public final class PhonePhotos {
    private PhonePhotos() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int width = args.length > 2 ? Integer.parseInt(args[2]) : 4032;
        int height = args.length > 3 ? Integer.parseInt(args[3]) : 3024;
        Files.createDirectories(dir);
        for (int i = 1; i <= count; i++) {
            Path file = dir.resolve(String.format("IMG_%04d.JPG", i));
            if (!Files.exists(file)) {
                Path partial = dir.resolve(file.getFileName() + ".partial");
                Files.write(partial, photo(i, width, height));
                Files.move(partial, file);
            }
        }
    }

    /** Orientation 6 (held upright, as most clinical photos are) for two in three, 1 or 3 for the rest. */
    static int orientation(int seed) {
        return seed % 3 != 0 ? 6 : (seed % 2 == 0 ? 3 : 1);
    }

    static byte[] photo(int seed, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        paint(((DataBufferInt) image.getRaster().getDataBuffer()).getData(), width, height, seed);
        byte[] jpeg = encode(image);
        byte[] app1 = segment(0xE1, exif(seed));
        // after SOI and the JFIF APP0 segment that ImageIO writes first
        int app0End = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + app1.length);
        out.write(jpeg, 0, app0End);
        out.write(app1);
        out.write(jpeg, app0End, jpeg.length - app0End);
        return out.toByteArray();
    }

    /** Skin-like tones with value noise over four octaves, a few soft blobs, and per-pixel grain. */
    private static void paint(int[] pixels, int width, int height, int seed) {
        SplittableRandom random = new SplittableRandom(seed * 7919L);
        int grid = 64;
        int gw = width / 8 + 3;
        int gh = height / 8 + 3;
        float[] lattice = new float[gw * gh];
        for (int i = 0; i < lattice.length; i++) {
            lattice[i] = (float) random.nextDouble();
        }
        float baseR = 150 + random.nextInt(60);
        float baseG = 90 + random.nextInt(50);
        float baseB = 70 + random.nextInt(50);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float n = 0;
                float amplitude = 0.5f;
                for (int cell = grid; cell >= 8; cell /= 2) {
                    n += amplitude * noise(lattice, gw, x, y, cell);
                    amplitude *= 0.5f;
                }
                float shade = 0.55f + 0.9f * n;
                float redness = 0.5f + 0.5f * noise(lattice, gw, x + 977, y + 331, 256);
                int grain = random.nextInt(25) - 12;
                int r = clamp((int) (baseR * shade * (0.8f + 0.4f * redness)) + grain);
                int g = clamp((int) (baseG * shade) + grain);
                int b = clamp((int) (baseB * shade) + random.nextInt(17) - 8);
                pixels[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
    }

    /** Smoothly interpolated lattice noise with the given cell size, in 0..1. */
    private static float noise(float[] lattice, int gw, int x, int y, int cell) {
        int step = cell / 8;
        int cx = x / cell;
        int cy = y / cell;
        float fx = (x % cell) / (float) cell;
        float fy = (y % cell) / (float) cell;
        fx = fx * fx * (3 - 2 * fx);
        fy = fy * fy * (3 - 2 * fy);
        int gh = lattice.length / gw;
        int x0 = (cx * step) % (gw - 1);
        int y0 = (cy * step) % (gh - 1);
        int x1 = Math.min(x0 + 1, gw - 1);
        int y1 = Math.min(y0 + 1, gh - 1);
        float a = lattice[y0 * gw + x0] + fx * (lattice[y0 * gw + x1] - lattice[y0 * gw + x0]);
        float b = lattice[y1 * gw + x0] + fx * (lattice[y1 * gw + x1] - lattice[y1 * gw + x0]);
        return a + fy * (b - a);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static byte[] encode(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(6 << 20);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Little-endian TIFF as iPhones write it: IFD0 (make, model, orientation, date, GPS pointer) and a GPS IFD. */
    static byte[] exif(int seed) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        int t = b.position();
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        byte[] make = "Apple\0".getBytes(StandardCharsets.US_ASCII);
        byte[] model = "iPhone 13 Pro\0".getBytes(StandardCharsets.US_ASCII);
        byte[] date = String.format("2026:11:%02d 09:%02d:00\0", 1 + seed % 28, seed % 60)
                .getBytes(StandardCharsets.US_ASCII);
        int ifd0Entries = 5;
        int ifd0Size = 2 + ifd0Entries * 12 + 4;
        int data = 8 + ifd0Size;
        int gpsIfd = data + make.length + model.length + date.length;
        b.putShort((short) ifd0Entries);
        entry(b, 0x010F, 2, make.length, data);
        entry(b, 0x0110, 2, model.length, data + make.length);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation(seed)).putShort((short) 0);
        entry(b, 0x0132, 2, date.length, data + make.length + model.length);
        entry(b, 0x8825, 4, 1, gpsIfd);
        b.putInt(0);
        b.put(make).put(model).put(date);
        int gpsEntries = 4;
        int rationals = gpsIfd + 2 + gpsEntries * 12 + 4;
        b.putShort((short) gpsEntries);
        b.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) 'S').put((byte) 0).putShort((short) 0);
        entry(b, 2, 5, 3, rationals);
        b.putShort((short) 3).putShort((short) 2).putInt(2).put((byte) 'E').put((byte) 0).putShort((short) 0);
        entry(b, 4, 5, 3, rationals + 24);
        b.putInt(0);
        int[] position = {33, 52, 1000 * (seed % 60), 151, 12, 1000 * ((seed * 7) % 60)};
        for (int i = 0; i < position.length; i++) {
            b.putInt(position[i]).putInt(i % 3 == 2 ? 1000 : 1);
        }
        assert b.position() - t > 0;
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
    }

    private static byte[] segment(int marker, byte[] payload) {
        byte[] s = new byte[payload.length + 4];
        s[0] = (byte) 0xFF;
        s[1] = (byte) marker;
        s[2] = (byte) ((payload.length + 2) >> 8);
        s[3] = (byte) (payload.length + 2);
        System.arraycopy(payload, 0, s, 4, payload.length);
        return s;
    }
}
