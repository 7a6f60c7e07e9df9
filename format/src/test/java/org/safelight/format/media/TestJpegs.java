package org.safelight.format.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.safelight.format.testing.Bytes;

/**
 * Test media built by hand: JPEGs with chosen segments and EXIF blocks, written by this code (not by
 * the code under test), plus a small independent reader for a JPEG's segment layout.
 */
final class TestJpegs {
    static final int MAKE = 0x010F;
    static final int ORIENTATION = 0x0112;
    static final int GPS_POINTER = 0x8825;
    static final int GPS_LATITUDE_REF = 0x0001;

    private TestJpegs() {
    }

    static Path media(String name) {
        return org.safelight.format.testing.SharedFiles.media(name);
    }

    /** A grey picture with a red square in its top-left corner and a blue one in its top-right. */
    static BufferedImage cornerPicture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, width, height);
        int square = Math.min(width, height) / 2;
        g.setColor(Color.RED);
        g.fillRect(0, 0, square, square);
        g.setColor(Color.BLUE);
        g.fillRect(width - square, 0, square, square);
        g.dispose();
        return image;
    }

    /** A plain JFIF JPEG as the JDK writes it: SOI, APP0, tables, one scan, EOI. */
    static byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", out)) {
            throw new IllegalStateException("no JPEG writer");
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (image == null) {
            throw new IllegalStateException("not an image");
        }
        return image;
    }

    static byte[] segment(int marker, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(payload.length + 4);
        buffer.put((byte) 0xFF).put((byte) marker).putShort((short) (payload.length + 2)).put(payload);
        return buffer.array();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The JPEG with {@code segments} inserted right after its APP0 (JFIF) segment. */
    static byte[] withSegments(byte[] jpeg, byte[]... segments) {
        int afterApp0 = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        if ((jpeg[3] & 0xFF) != 0xE0) {
            throw new IllegalArgumentException("expected APP0 right after SOI");
        }
        return concat(Arrays.copyOf(jpeg, afterApp0), concat(segments),
                Arrays.copyOfRange(jpeg, afterApp0, jpeg.length));
    }

    /**
     * An APP1 EXIF payload in the given byte order: IFD0 with Make and, unless 0, Orientation, and a
     * pointer to a GPS IFD that says "north".
     */
    static byte[] exif(ByteOrder order, int orientation) {
        List<int[]> entries = new ArrayList<>(); // tag, type, count, value (inline)
        entries.add(new int[] {MAKE, 2, 4, 0}); // "Acm\0", stored inline
        if (orientation != 0) {
            entries.add(new int[] {ORIENTATION, 3, 1, orientation});
        }
        entries.add(new int[] {GPS_POINTER, 4, 1, 0}); // offset patched below
        int ifd0Size = 2 + 12 * entries.size() + 4;
        int gpsOffset = 8 + ifd0Size;
        ByteBuffer tiff = ByteBuffer.allocate(gpsOffset + 2 + 12 + 4).order(order);
        tiff.put(ascii(order == ByteOrder.LITTLE_ENDIAN ? "II" : "MM")).putShort((short) 42).putInt(8);
        tiff.putShort((short) entries.size());
        for (int[] e : entries) {
            tiff.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
            switch (e[0]) {
                case MAKE -> tiff.put(ascii("Acm\0"));
                case ORIENTATION -> tiff.putShort((short) e[3]).putShort((short) 0);
                default -> tiff.putInt(gpsOffset);
            }
        }
        tiff.putInt(0);
        tiff.putShort((short) 1).putShort((short) GPS_LATITUDE_REF).putShort((short) 2).putInt(2)
                .put(ascii("N\0\0\0")).putInt(0);
        return concat(ascii("Exif\0\0"), tiff.array());
    }

    /** Marker codes of the segments before the image data, in order, from SOI's successor to the first SOS. */
    static List<Integer> headerMarkers(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int at = 2;
        while (true) {
            int marker = jpeg[at + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                return markers;
            }
            at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
        }
    }

    /** The payload of the first segment with this marker, or null. */
    static byte[] firstPayload(byte[] jpeg, int wanted) {
        int at = 2;
        while (at + 4 <= jpeg.length) {
            int marker = jpeg[at + 1] & 0xFF;
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            if (marker == wanted) {
                return Arrays.copyOfRange(jpeg, at + 4, at + 2 + length);
            }
            if (marker == 0xDA) {
                return null;
            }
            at += 2 + length;
        }
        return null;
    }

    /** Everything from the first SOS marker to the end of the data: the image itself. */
    static byte[] imageData(byte[] jpeg) {
        int at = 2;
        while ((jpeg[at + 1] & 0xFF) != 0xDA) {
            at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
        }
        return Arrays.copyOfRange(jpeg, at, jpeg.length);
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return Bytes.contains(haystack, needle);
    }
}
