package org.safelight.format.media;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Lossless handling of JPEG metadata, at the level of marker segments: the compressed image data
 * is never decoded or re-encoded. All methods are stateless and thread-safe.
 */
public final class Photos {
    private static final byte[] JFIF = "JFIF\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ADOBE = "Adobe".getBytes(StandardCharsets.US_ASCII);
    /** Identifier, version, units and densities: everything of a JFIF header but its thumbnail. */
    private static final int JFIF_WITHOUT_THUMBNAIL = 12;
    /** Identifier, version, two flag words and the colour transform. */
    private static final int ADOBE_LENGTH = 12;

    private Photos() {
    }

    /**
     * The EXIF orientation (1..8) of a JPEG, or 1 when it has none. Never fails on content: a
     * damaged EXIF block, or bytes that are not a JPEG at all, also give 1.
     */
    public static int orientation(byte[] jpeg) {
        try {
            return orientation(new ByteArrayInputStream(jpeg));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
    }

    /**
     * The EXIF orientation (1..8) of a JPEG file, or 1 when it has none; reads only the header
     * segments, not the image data. Fails only if the file cannot be read; content is treated as in
     * {@link #orientation(byte[])}.
     */
    public static int orientation(Path jpeg) throws IOException {
        try (InputStream in = Files.newInputStream(jpeg)) {
            return orientation(in);
        }
    }

    /**
     * Copies a JPEG without the metadata that could identify a patient, a place or a device. Only
     * what is named is kept: the segments a decoder needs (frame headers, Huffman, arithmetic and
     * quantisation tables, restart interval, number of lines, scan headers) with the compressed data
     * byte for byte, the JFIF header (minus any embedded thumbnail) and the 12-byte Adobe
     * colour-transform segment (without it some JPEGs decode with wrong colours). Everything else is
     * dropped: EXIF (GPS, make, model, serial numbers, dates, maker notes, its thumbnail), XMP, IPTC,
     * multi-picture data, all other APPn, comments, the JPGn extension markers, unknown markers and
     * anything after the end-of-image marker. ICC colour profiles are dropped too: their header and
     * description tags can name the device; without one a viewer assumes sRGB, so a wide-gamut photo
     * looks slightly less saturated. If the photo had an EXIF orientation other than 1, a minimal
     * EXIF segment holding only that orientation takes the place of the original, so the photo still
     * displays the right way up.
     *
     * <p>Streams segment by segment, so memory use is small and independent of the photo's size.
     * {@code out} is flushed but not closed.
     *
     * @throws MalformedMediaException if the input is not a JPEG, is truncated, or its segment
     *     structure is broken; {@code out} then holds a partial copy that must be discarded
     */
    public static void stripMetadata(InputStream jpeg, OutputStream out) throws IOException {
        JpegReader reader = new JpegReader(jpeg);
        reader.readStart();
        OutputStream sink = new BufferedOutputStream(out);
        writeMarker(sink, JpegReader.SOI);
        boolean exifSeen = false;
        boolean scanSeen = false;
        int marker = reader.nextMarker();
        while (marker != JpegReader.EOI) {
            if (JpegReader.isStandalone(marker)) {
                // TEM, or a restart marker outside a scan: no data, and nothing a decoder needs there
                marker = reader.nextMarker();
                continue;
            }
            byte[] payload = reader.payload();
            if (marker == JpegReader.APP1 && !exifSeen && ExifOrientation.isExif(payload)) {
                // like image viewers, only the first EXIF segment counts
                exifSeen = true;
                int orientation = ExifOrientation.read(payload);
                if (orientation != ExifOrientation.NORMAL) {
                    writeSegment(sink, JpegReader.APP1, ExifOrientation.payload(orientation));
                }
            } else {
                byte[] kept = kept(marker, payload);
                if (kept != null) {
                    writeSegment(sink, marker, kept);
                }
            }
            if (marker == JpegReader.SOS) {
                scanSeen = true;
                marker = reader.copyScan(sink);
            } else {
                marker = reader.nextMarker();
            }
        }
        if (!scanSeen) {
            throw new MalformedMediaException("photo has no image data (the JPEG ends before its first scan)");
        }
        writeMarker(sink, JpegReader.EOI);
        sink.flush();
    }

    /**
     * Writes a copy of the JPEG at {@code source} without its identifying metadata to {@code target},
     * as {@link #stripMetadata(InputStream, OutputStream)} does. {@code target} is replaced if it
     * exists; on failure it is removed rather than left half-written.
     */
    public static void stripMetadata(Path source, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(source);
                OutputStream out = Files.newOutputStream(target)) {
            stripMetadata(in, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private static int orientation(InputStream in) throws IOException {
        try {
            JpegReader reader = new JpegReader(in);
            reader.readStart();
            for (int marker = reader.nextMarker(); marker != JpegReader.SOS && marker != JpegReader.EOI;
                    marker = reader.nextMarker()) {
                if (JpegReader.isStandalone(marker)) {
                    continue;
                }
                byte[] payload = reader.payload();
                if (marker == JpegReader.APP1 && ExifOrientation.isExif(payload)) {
                    return ExifOrientation.read(payload);
                }
            }
            return ExifOrientation.NORMAL;
        } catch (MalformedMediaException e) {
            return ExifOrientation.NORMAL;
        }
    }

    /**
     * What of a segment other than EXIF goes into the stripped copy: its payload, a trimmed one, or
     * null. A keep list, not a drop list: a marker not named here (other APPn, ICC profiles, comments,
     * the JPGn extensions F0-FD, reserved codes) could carry text, and a decoder does not need it.
     */
    private static byte[] kept(int marker, byte[] payload) {
        if (marker == JpegReader.APP0) {
            // The JFIF thumbnail is an old copy of the picture, perhaps from before it was cropped.
            return startsWith(payload, JFIF) && payload.length >= JFIF_WITHOUT_THUMBNAIL + 2
                    ? withoutJfifThumbnail(payload)
                    : null;
        }
        if (marker == JpegReader.APP14) {
            return startsWith(payload, ADOBE) && payload.length >= ADOBE_LENGTH
                    ? Arrays.copyOf(payload, ADOBE_LENGTH)
                    : null;
        }
        return decodingNeeds(marker) ? payload : null;
    }

    /**
     * The segments a decoder reads: frame headers SOF0-3, 5-7, 9-11, 13-15 (C4 is DHT, C8 JPG and
     * CC DAC are not frames), Huffman and arithmetic tables, quantisation tables, the restart
     * interval, the number of lines (DNL) and the scan header.
     */
    private static boolean decodingNeeds(int marker) {
        boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        return frame || marker == 0xC4 || marker == 0xCC || marker == 0xDB || marker == 0xDC || marker == 0xDD
                || marker == JpegReader.SOS;
    }

    private static byte[] withoutJfifThumbnail(byte[] payload) {
        byte[] trimmed = Arrays.copyOf(payload, JFIF_WITHOUT_THUMBNAIL + 2);
        trimmed[JFIF_WITHOUT_THUMBNAIL] = 0; // thumbnail width
        trimmed[JFIF_WITHOUT_THUMBNAIL + 1] = 0; // thumbnail height
        return trimmed;
    }

    private static boolean startsWith(byte[] payload, byte[] prefix) {
        return payload.length >= prefix.length && Arrays.equals(payload, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void writeMarker(OutputStream out, int marker) throws IOException {
        out.write(0xFF);
        out.write(marker);
    }

    private static void writeSegment(OutputStream out, int marker, byte[] payload) throws IOException {
        writeMarker(out, marker);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length);
        out.write(payload);
    }
}
