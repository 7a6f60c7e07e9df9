package org.safelight.endpoint.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Data elements in explicit VR little endian (PS3.5 7.1.2), written in memory in ascending tag
 * order (a tag out of order is a programming error and throws). Values are padded to an even
 * length: UIDs with a NUL, text with a space. Text is written in UTF-8, which {@code ISO_IR 192}
 * declares. Not thread-safe.
 */
final class DicomOutput {
    /** The VRs whose length is a 32-bit field after two reserved bytes (PS3.5 Table 7.1-1). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UR",
            "UT", "UN", "UV");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long lastTag = -1;

    static int tag(int group, int element) {
        return group << 16 | element;
    }

    /**
     * {@code value} with every control character its VR does not allow replaced by a space (PS3.5
     * 6.1.3, 6.2): LT, ST and UT allow CR, LF, FF and ESC; the other text VRs none.
     */
    static String clean(String vr, String value) {
        boolean paragraphs = vr.equals("LT") || vr.equals("ST") || vr.equals("UT");
        StringBuilder b = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            boolean allowed = paragraphs && (c == '\r' || c == '\n' || c == '\f' || c == 0x1B);
            b.appendCodePoint(Character.isISOControl(c) && !allowed ? ' ' : c);
        });
        return b.toString();
    }

    /** A text element; its value {@link #clean}ed for its VR, padded to an even length. */
    DicomOutput text(int tag, String vr, String value) {
        byte[] bytes = (vr.equals("UI") ? value : clean(vr, value)).getBytes(StandardCharsets.UTF_8);
        if (bytes.length % 2 == 1) {
            byte[] padded = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, padded, 0, bytes.length);
            padded[bytes.length] = (byte) (vr.equals("UI") ? 0 : ' ');
            bytes = padded;
        }
        return element(tag, vr, bytes);
    }

    DicomOutput us(int tag, int value) {
        return element(tag, "US", new byte[] {(byte) value, (byte) (value >>> 8)});
    }

    DicomOutput ul(int tag, long value) {
        byte[] b = new byte[4];
        le32(b, 0, value);
        return element(tag, "UL", b);
    }

    /** A sequence of no items, with a defined length of 0. */
    DicomOutput emptySequence(int tag) {
        return element(tag, "SQ", new byte[0]);
    }

    DicomOutput element(int tag, String vr, byte[] value) {
        header(tag, vr, value.length);
        out.writeBytes(value);
        return this;
    }

    /** The header of an element whose value follows elsewhere; {@code length} 0xFFFFFFFF is undefined. */
    DicomOutput header(int tag, String vr, long length) {
        long unsigned = Integer.toUnsignedLong(tag);
        if (unsigned <= lastTag) {
            throw new IllegalStateException(String.format("tag (%04X,%04X) out of order", tag >>> 16, tag & 0xFFFF));
        }
        lastTag = unsigned;
        tagBytes(tag);
        out.write(vr.charAt(0));
        out.write(vr.charAt(1));
        if (LONG_VRS.contains(vr)) {
            out.write(0);
            out.write(0);
            raw32(length);
        } else {
            if (length > 0xFFFF) {
                throw new IllegalArgumentException(vr + " value of " + length + " bytes is too long");
            }
            out.write((int) length);
            out.write((int) (length >>> 8));
        }
        return this;
    }

    /** An item or delimiter header ({@code (FFFE,xxxx)}, no VR), which follows the pixel data header. */
    DicomOutput item(int tag, long length) {
        tagBytes(tag);
        raw32(length);
        return this;
    }

    DicomOutput raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tagBytes(int tag) {
        int group = tag >>> 16;
        int element = tag & 0xFFFF;
        out.write(group);
        out.write(group >>> 8);
        out.write(element);
        out.write(element >>> 8);
    }

    private void raw32(long value) {
        byte[] b = new byte[4];
        le32(b, 0, value);
        out.writeBytes(b);
    }

    static void le32(byte[] b, int at, long value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }
}
