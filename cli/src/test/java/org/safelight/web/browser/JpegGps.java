package org.safelight.web.browser;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Whether a JPEG still says where it was taken: an EXIF segment whose first directory points to a
 * GPS directory (tag 0x8825). Read here by hand, independently of the code that strips it.
 */
final class JpegGps {
    private static final int GPS_POINTER = 0x8825;

    private JpegGps() {
    }

    static boolean hasGps(byte[] jpeg) {
        int at = 2; // after SOI
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                return false; // the image data: no header segment follows
            }
            int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
            if (marker == 0xE1 && length > 8 && new String(jpeg, at + 4, 4, StandardCharsets.US_ASCII).equals("Exif")
                    && exifHasGps(ByteBuffer.wrap(jpeg, at + 10, length - 8).slice())) {
                return true;
            }
            at += 2 + length;
        }
        return false;
    }

    private static boolean exifHasGps(ByteBuffer tiff) {
        tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = tiff.getInt(4);
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            if ((tiff.getShort(ifd + 2 + 12 * i) & 0xFFFF) == GPS_POINTER) {
                return true;
            }
        }
        return false;
    }
}
