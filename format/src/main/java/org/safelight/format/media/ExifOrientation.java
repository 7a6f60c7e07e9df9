package org.safelight.format.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The EXIF Orientation tag (0x0112 in IFD0): read from an APP1 "Exif" payload, and written as the
 * only content of a freshly built one. Reading is defensive: every offset is checked against the
 * payload, and anything unreadable counts as "no orientation" (1), because a damaged tag must not
 * stop a photo from being shown.
 */
final class ExifOrientation {
    static final int NORMAL = 1;

    private static final byte[] HEADER = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;
    private static final int TYPE_LONG = 4;
    private static final int ENTRY_SIZE = 12;

    private ExifOrientation() {
    }

    /** Whether an APP1 payload holds EXIF data (rather than, say, XMP). */
    static boolean isExif(byte[] app1Payload) {
        return app1Payload.length >= HEADER.length
                && Arrays.equals(app1Payload, 0, HEADER.length, HEADER, 0, HEADER.length);
    }

    static boolean isValid(int orientation) {
        return orientation >= 1 && orientation <= 8;
    }

    /** The orientation (1..8) an APP1 EXIF payload declares, or 1 if it declares none or is unreadable. */
    static int read(byte[] app1Payload) {
        if (!isExif(app1Payload)) {
            return NORMAL;
        }
        Tiff tiff = new Tiff(app1Payload, HEADER.length);
        if (!tiff.hasValidHeader()) {
            return NORMAL;
        }
        long ifd = tiff.u32(4);
        if (ifd < 8 || !tiff.fits(ifd, 2)) {
            return NORMAL;
        }
        int entries = tiff.u16(ifd);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + (long) i * ENTRY_SIZE;
            if (!tiff.fits(entry, ENTRY_SIZE)) {
                return NORMAL;
            }
            if (tiff.u16(entry) == TAG_ORIENTATION) {
                int value = switch (tiff.u16(entry + 2)) {
                    case TYPE_SHORT -> tiff.u16(entry + 8);
                    // not what the standard says, but some writers use LONG; the value is still clear
                    case TYPE_LONG -> (int) Math.min(tiff.u32(entry + 8), Integer.MAX_VALUE);
                    default -> NORMAL;
                };
                return isValid(value) ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    /**
     * A minimal APP1 payload: the EXIF header and a big-endian TIFF structure whose only IFD holds
     * only the Orientation tag, so nothing else about the photo or the camera is carried along.
     */
    static byte[] payload(int orientation) {
        if (!isValid(orientation)) {
            throw new IllegalArgumentException("EXIF orientation must be 1..8");
        }
        byte[] tiff = {
            'M', 'M', 0, 42, // big-endian TIFF marker
            0, 0, 0, 8, // IFD0 follows the 8-byte header
            0, 1, // one entry
            0x01, 0x12, 0, TYPE_SHORT, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT x1
            0, 0, 0, 0, // no next IFD, so no thumbnail IFD either
        };
        byte[] payload = Arrays.copyOf(HEADER, HEADER.length + tiff.length);
        System.arraycopy(tiff, 0, payload, HEADER.length, tiff.length);
        return payload;
    }

    /** A TIFF structure inside a byte array, in either byte order; offsets are relative to its start. */
    private static final class Tiff {
        private final byte[] bytes;
        private final int start;
        private final boolean littleEndian;

        Tiff(byte[] bytes, int start) {
            this.bytes = bytes;
            this.start = start;
            this.littleEndian = bytes.length > start + 1 && bytes[start] == 'I' && bytes[start + 1] == 'I';
        }

        boolean hasValidHeader() {
            if (!fits(0, 8)) {
                return false;
            }
            boolean bigEndian = bytes[start] == 'M' && bytes[start + 1] == 'M';
            return (littleEndian || bigEndian) && u16(2) == 42;
        }

        boolean fits(long offset, int length) {
            return offset >= 0 && start + offset + length <= bytes.length;
        }

        int u16(long offset) {
            int a = byteAt(offset);
            int b = byteAt(offset + 1);
            return littleEndian ? (b << 8) | a : (a << 8) | b;
        }

        long u32(long offset) {
            long a = u16(offset);
            long b = u16(offset + 2);
            return littleEndian ? (b << 16) | a : (a << 16) | b;
        }

        private int byteAt(long offset) {
            return bytes[start + (int) offset] & 0xFF;
        }
    }
}
