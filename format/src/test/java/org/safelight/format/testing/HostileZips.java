package org.safelight.format.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * ZIPs built to show one reader something else than another, spliced from honest ZIPs written by
 * {@link java.util.zip.ZipOutputStream} (no archive comment, no ZIP64): the entries, the central
 * directory and the end record are cut apart and put back with bytes between or around them.
 */
public final class HostileZips {
    private static final int END_SIZE = 22;
    private static final int END_SIGNATURE = 0x06054b50;

    private HostileZips() {
    }

    /**
     * Read front to back, the entries of {@code streamed}; read by its central directory (as browsers
     * and most ZIP tools do), the entries of {@code indexed}. A fake central-directory signature stops
     * streaming readers before {@code indexed}'s entries, which sit after it.
     */
    public static byte[] splitView(byte[] streamed, byte[] indexed) {
        byte[] front = Arrays.copyOf(streamed, directoryOffset(streamed));
        byte[] stop = new byte[30];
        stop[0] = 'P';
        stop[1] = 'K';
        stop[2] = 1;
        stop[3] = 2;
        return shifted(concat(front, stop), indexed);
    }

    /** The archive followed by other bytes (another ZIP, say). */
    public static byte[] appended(byte[] zip, byte[] extra) {
        return concat(zip, extra);
    }

    /** Bytes between the last entry and the central directory, the end record pointing past them. */
    public static byte[] gapBeforeDirectory(byte[] zip, byte[] gap) {
        int cd = directoryOffset(zip);
        byte[] out = concat(Arrays.copyOf(zip, cd), gap, Arrays.copyOfRange(zip, cd, zip.length));
        shiftDirectory(out, cd + gap.length, gap.length, Long.MAX_VALUE);
        return out;
    }

    /** Bytes between the first and the second entry; the central directory still finds every entry. */
    public static byte[] gapAfterFirstEntry(byte[] zip, byte[] gap) {
        int cd = directoryOffset(zip);
        ByteBuffer b = le(zip);
        int second = (int) Integer.toUnsignedLong(b.getInt(cd + 46 + b.getShort(cd + 28) + b.getShort(cd + 30)
                + b.getShort(cd + 32) + 42));
        byte[] out = concat(Arrays.copyOf(zip, second), gap, Arrays.copyOfRange(zip, second, zip.length));
        shiftDirectory(out, cd + gap.length, gap.length, second);
        return out;
    }

    /** Every occurrence of the ASCII name replaced by the same bytes with one byte set to 0xFF (not UTF-8). */
    public static byte[] withInvalidUtf8Name(byte[] zip, String asciiName) {
        byte[] from = asciiName.getBytes(StandardCharsets.US_ASCII);
        byte[] to = from.clone();
        to[0] = (byte) 0xff;
        byte[] out = zip.clone();
        for (int i = 0; i + from.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, out, i, to.length);
            }
        }
        return out;
    }

    /** {@code front} followed by {@code zip}, whose directory and end record are moved to match. */
    private static byte[] shifted(byte[] front, byte[] zip) {
        byte[] out = concat(front, zip);
        shiftDirectory(out, front.length + directoryOffset(zip), front.length, 0);
        return out;
    }

    /** Adds {@code delta} to the directory's offset and to every entry offset at or after {@code from}. */
    private static void shiftDirectory(byte[] zip, int directory, int delta, long from) {
        ByteBuffer b = le(zip);
        int end = zip.length - END_SIZE;
        if (b.getInt(end) != END_SIGNATURE) {
            throw new IllegalArgumentException("not a ZIP without comment");
        }
        b.putInt(end + 16, b.getInt(end + 16) + delta);
        int count = b.getShort(end + 10) & 0xffff;
        int p = directory;
        for (int i = 0; i < count; i++) {
            long offset = Integer.toUnsignedLong(b.getInt(p + 42));
            if (offset >= from) {
                b.putInt(p + 42, (int) (offset + delta));
            }
            p += 46 + (b.getShort(p + 28) & 0xffff) + (b.getShort(p + 30) & 0xffff) + (b.getShort(p + 32) & 0xffff);
        }
    }

    private static int directoryOffset(byte[] zip) {
        ByteBuffer b = le(zip);
        int end = zip.length - END_SIZE;
        if (b.getInt(end) != END_SIGNATURE) {
            throw new IllegalArgumentException("not a ZIP without comment");
        }
        return b.getInt(end + 16);
    }

    private static ByteBuffer le(byte[] zip) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
