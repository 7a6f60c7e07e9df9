package org.safelight.endpoint.dicom;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What DICOM needs to know of a JPEG without decoding it, read from its markers up to the frame
 * header (SOF): the size, the number of components and their precision, and the colour space the
 * stream declares (JFIF, Adobe APP14 transform, or component IDs). Only baseline sequential
 * (SOF0, 8 bits) is accepted: it is what JPEG Baseline (1.2.840.10008.1.2.4.50) may carry.
 *
 * @param rows         the image's height (the frame's Y)
 * @param columns      the image's width (the frame's X)
 * @param components   1 (grey) or 3 (colour)
 * @param precision    bits per sample (8)
 * @param photometric  the DICOM Photometric Interpretation that describes the compressed stream
 */
record JpegFrame(int rows, int columns, int components, int precision, String photometric) {

    static JpegFrame read(Path jpeg) throws IOException, UnsuitablePhotoException {
        try (InputStream in = Files.newInputStream(jpeg)) {
            return read(new DataInputStream(new BufferedInputStream(in)));
        }
    }

    private static JpegFrame read(DataInputStream in) throws IOException, UnsuitablePhotoException {
        if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != 0xD8) {
            throw new UnsuitablePhotoException("is not a JPEG (no start-of-image marker)");
        }
        boolean jfif = false;
        int adobeTransform = -1;
        try {
            while (true) {
                int b = in.readUnsignedByte();
                if (b != 0xFF) {
                    throw new UnsuitablePhotoException("is not a well-formed JPEG (bytes between markers)");
                }
                int marker = in.readUnsignedByte();
                while (marker == 0xFF) { // fill bytes
                    marker = in.readUnsignedByte();
                }
                if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                    continue; // no length
                }
                if (marker == 0xD9 || marker == 0xDA) {
                    throw new UnsuitablePhotoException("is not a well-formed JPEG (no frame header before the image data)");
                }
                int length = in.readUnsignedShort() - 2;
                if (length < 0) {
                    throw new UnsuitablePhotoException("is not a well-formed JPEG (a marker segment's length is wrong)");
                }
                byte[] segment = new byte[length];
                in.readFully(segment);
                if (marker == 0xE0 && startsWith(segment, "JFIF\0")) {
                    jfif = true;
                } else if (marker == 0xEE && startsWith(segment, "Adobe") && length >= 12) {
                    adobeTransform = segment[11] & 0xFF;
                } else if (marker == 0xC0) {
                    return baseline(segment, jfif, adobeTransform);
                } else if (marker >= 0xC1 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    throw new UnsuitablePhotoException("is a " + kind(marker) + " JPEG; only baseline JPEGs (SOF0) are sent"
                            + " to the PACS as they are");
                }
            }
        } catch (EOFException e) {
            throw new UnsuitablePhotoException("is not a well-formed JPEG (it ends before its frame header)");
        }
    }

    private static JpegFrame baseline(byte[] sof, boolean jfif, int adobeTransform) throws UnsuitablePhotoException {
        if (sof.length < 6) {
            throw new UnsuitablePhotoException("is not a well-formed JPEG (short frame header)");
        }
        int precision = sof[0] & 0xFF;
        int rows = (sof[1] & 0xFF) << 8 | sof[2] & 0xFF;
        int columns = (sof[3] & 0xFF) << 8 | sof[4] & 0xFF;
        int components = sof[5] & 0xFF;
        if (precision != 8) {
            throw new UnsuitablePhotoException("has " + precision + "-bit samples; baseline JPEG has 8");
        }
        if (rows == 0 || columns == 0) {
            throw new UnsuitablePhotoException("does not give its height in its frame header (a DNL marker), which DICOM"
                    + " needs");
        }
        if (components != 1 && components != 3 || sof.length < 6 + 3 * components) {
            throw new UnsuitablePhotoException("has " + components + " colour components; 1 (grey) or 3 (colour) are sent");
        }
        String photometric;
        if (components == 1) {
            photometric = "MONOCHROME2";
        } else if (!jfif && (adobeTransform == 0 || adobeTransform < 0 && isRgbIds(sof))) {
            photometric = "RGB"; // the colour transform was not applied
        } else {
            // What the VL Image module allows for a JPEG in YCbCr, whatever its chroma sampling
            // (PS3.3 C.7.6.3.1.2: the JPEG's own header tells a decoder the sampling).
            photometric = "YBR_FULL_422";
        }
        return new JpegFrame(rows, columns, components, precision, photometric);
    }

    /** Component IDs 'R', 'G', 'B': how libjpeg marks an RGB stream without JFIF or Adobe markers. */
    private static boolean isRgbIds(byte[] sof) {
        return sof[6] == 'R' && sof[9] == 'G' && sof[12] == 'B';
    }

    private static boolean startsWith(byte[] segment, String prefix) {
        if (segment.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (segment[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String kind(int marker) {
        return switch (marker) {
            case 0xC1 -> "extended sequential";
            case 0xC2, 0xC6, 0xCA, 0xCE -> "progressive";
            case 0xC3, 0xC7, 0xCB, 0xCF -> "lossless";
            default -> "non-baseline (arithmetic or hierarchical)";
        };
    }
}
