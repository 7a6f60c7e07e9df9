package org.safelight.format.container;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The end of a ZIP read from front to back: the central directory must start right after the last
 * entry (its data descriptor included) and list exactly the entries the stream held, in the same
 * order, each at the offset where its local header was, with the same name bytes, flags, method,
 * CRC-32 and sizes; then the optional ZIP64 end record and locator, then the end record without a
 * comment, then nothing. Any other layout could show one reader a different archive than another
 * (a reader going by the central directory, as browsers and most tools do), so it is refused.
 */
final class CentralDirectory {
    static final long SIGNATURE = 0x02014b50L;
    private static final long ZIP64_END = 0x06064b50L;
    private static final long ZIP64_LOCATOR = 0x07064b50L;
    private static final long END = 0x06054b50L;
    private static final int MAGIC16 = 0xffff;
    private static final long MAGIC32 = LocalHeader.MAGIC32;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final long ZIP64_END_SIZE = 44;

    private CentralDirectory() {
    }

    /**
     * Checks the rest of the archive; {@code signature} was read at {@code start}, where the stream of
     * entries ended.
     *
     * @throws UnsafeZipException when the directory, the end records or the bytes around them disagree
     *                            with the entries, or anything follows the end record
     */
    static void verify(ZipInput in, long signature, long start, List<LocalHeader> entries) throws IOException {
        if (signature != SIGNATURE && signature != END) {
            throw new UnsafeZipException("unexpected bytes at offset " + start
                    + " (between entries or before the central directory)");
        }
        long sig = signature;
        for (LocalHeader local : entries) {
            if (sig != SIGNATURE) {
                throw new UnsafeZipException("the central directory lists fewer entries than the archive holds");
            }
            checkEntry(in, local);
            sig = in.u32();
        }
        if (sig == SIGNATURE) {
            throw new UnsafeZipException("the central directory lists an entry the archive does not hold");
        }
        long end = in.position() - 4;
        long size = end - start;
        boolean zip64 = false;
        if (sig == ZIP64_END) {
            zip64 = true;
            checkZip64End(in, entries.size(), size, start);
            if (in.u32() != ZIP64_LOCATOR) {
                throw new UnsafeZipException("the ZIP64 end record has no locator after it");
            }
            if (in.u32() != 0 || in.u64() != end || in.u32() != 1) {
                throw new UnsafeZipException("the ZIP64 end locator does not point at its record");
            }
            sig = in.u32();
        }
        if (sig != END) {
            throw new UnsafeZipException("unexpected bytes after the central directory");
        }
        checkEnd(in, entries.size(), size, start, zip64);
        if (!in.atEnd()) {
            throw new UnsafeZipException("data follows the end of the archive");
        }
    }

    private static void checkEntry(ZipInput in, LocalHeader local) throws IOException {
        in.u16(); // version made by
        in.u16(); // version needed
        int flags = in.u16();
        int method = in.u16();
        in.u32(); // time and date
        long crc = in.u32();
        long compressedSize = in.u32();
        long size = in.u32();
        int nameLength = in.u16();
        int extraLength = in.u16();
        int commentLength = in.u16();
        int disk = in.u16();
        in.u16(); // internal attributes
        in.u32(); // external attributes
        long offset = in.u32();
        byte[] name = in.bytes(nameLength);
        byte[] extra = in.bytes(extraLength);
        in.bytes(commentLength);
        String shown = EntryNames.printable(new String(local.name(), java.nio.charset.StandardCharsets.UTF_8));
        byte[] zip64 = LocalHeader.extraField(extra, ZIP64_EXTRA, shown);
        // The ZIP64 field holds, in this order, only the values whose 32-bit slot is full.
        int at = 0;
        if (size == MAGIC32) {
            size = LocalHeader.le64(orEmpty(zip64), at);
            at += 8;
        }
        if (compressedSize == MAGIC32) {
            compressedSize = LocalHeader.le64(orEmpty(zip64), at);
            at += 8;
        }
        if (offset == MAGIC32) {
            offset = LocalHeader.le64(orEmpty(zip64), at);
            at += 8;
        }
        if (disk == MAGIC16) {
            disk = zip64 != null && zip64.length >= at + 4 && Arrays.equals(zip64, at, at + 4, new byte[4], 0, 4)
                    ? 0 : -1;
        }
        if (!Arrays.equals(name, local.name())) {
            throw new UnsafeZipException("entry '" + shown + "' has another name in the central directory");
        }
        if (offset != local.offset() || disk != 0) {
            throw new UnsafeZipException("the central directory places entry '" + shown + "' elsewhere");
        }
        if (flags != local.flags() || method != local.method() || crc != local.crc()
                || compressedSize != local.compressedSize() || size != local.size()) {
            throw new UnsafeZipException("the central directory describes entry '" + shown
                    + "' otherwise than its own header and data");
        }
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    private static void checkZip64End(ZipInput in, int count, long size, long start) throws IOException {
        if (in.u64() != ZIP64_END_SIZE) {
            throw new UnsafeZipException("the ZIP64 end record has an unexpected size");
        }
        in.u16(); // version made by
        in.u16(); // version needed
        if (in.u32() != 0 || in.u32() != 0) {
            throw new UnsafeZipException("multi-part archives are not accepted");
        }
        if (in.u64() != count || in.u64() != count || in.u64() != size || in.u64() != start) {
            throw new UnsafeZipException("the ZIP64 end record does not match the central directory");
        }
    }

    private static void checkEnd(ZipInput in, int count, long size, long start, boolean zip64) throws IOException {
        if (in.u16() != 0 || in.u16() != 0) {
            throw new UnsafeZipException("multi-part archives are not accepted");
        }
        int onDisk = in.u16();
        int total = in.u16();
        long directorySize = in.u32();
        long directoryOffset = in.u32();
        int commentLength = in.u16();
        if (!matches(onDisk, count, MAGIC16, zip64) || !matches(total, count, MAGIC16, zip64)
                || !matches(directorySize, size, MAGIC32, zip64) || !matches(directoryOffset, start, MAGIC32, zip64)) {
            throw new UnsafeZipException("the end record does not match the central directory");
        }
        if (commentLength != 0) {
            // A comment is where a second, fake end record would hide from readers that search backwards.
            throw new UnsafeZipException("archive comments are not accepted");
        }
    }

    /** The value itself, or (with a ZIP64 end record) the marker that sends readers there. */
    private static boolean matches(long field, long actual, long magic, boolean zip64) {
        return field == actual || zip64 && field == magic;
    }
}
