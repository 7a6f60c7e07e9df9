package org.safelight.format.container;

import java.io.IOException;

/**
 * One entry's local header as the streaming reader found it, and, once its data was read, what the
 * data really was. The central directory must describe every entry exactly like this.
 *
 * @param offset the header's offset in the archive
 * @param name   the name's bytes as stored
 * @param crc    the CRC-32 of the inflated data (as counted, once read)
 * @param compressedSize bytes of compressed data (as counted, once read)
 * @param size   inflated bytes (as counted, once read)
 * @param zip64  the header has a ZIP64 extra field (so a data descriptor carries 8-byte sizes)
 */
record LocalHeader(long offset, byte[] name, int flags, int method, long crc, long compressedSize, long size,
                   boolean zip64) {
    static final long SIGNATURE = 0x04034b50L;
    static final long MAGIC32 = 0xffffffffL;
    static final int ENCRYPTED = 1;
    static final int DATA_DESCRIPTOR = 1 << 3;
    static final int UTF8 = 1 << 11;
    /** Deflate's speed hints (bits 1 and 2), a data descriptor, UTF-8 names: nothing else is accepted. */
    private static final int ACCEPTED_FLAGS = 0b110 | DATA_DESCRIPTOR | UTF8;
    static final int STORED = 0;
    static final int DEFLATED = 8;
    private static final int ZIP64_EXTRA = 0x0001;

    /** Reads the header whose signature, at {@code offset}, was just read. */
    static LocalHeader read(ZipInput in, long offset) throws IOException {
        in.u16(); // version needed: what matters is checked below, whatever a writer claims
        int flags = in.u16();
        int method = in.u16();
        in.u32(); // modification time and date
        long crc = in.u32();
        long compressedSize = in.u32();
        long size = in.u32();
        int nameLength = in.u16();
        int extraLength = in.u16();
        byte[] name = in.bytes(nameLength);
        byte[] extra = in.bytes(extraLength);
        String shown = EntryNames.printable(new String(name, java.nio.charset.StandardCharsets.UTF_8));
        if ((flags & ENCRYPTED) != 0) {
            throw new UnsafeZipException("entry '" + shown + "' is encrypted");
        }
        if ((flags & ~ACCEPTED_FLAGS) != 0) {
            throw new UnsafeZipException("entry '" + shown + "' uses ZIP features that are not accepted (flags 0x"
                    + Integer.toHexString(flags) + ")");
        }
        if (method != STORED && method != DEFLATED) {
            throw new UnsafeZipException("entry '" + shown + "' uses compression method " + method);
        }
        if (method == STORED && (flags & DATA_DESCRIPTOR) != 0) {
            throw new UnsafeZipException("entry '" + shown + "' is stored with its size after its data");
        }
        byte[] zip64 = extraField(extra, ZIP64_EXTRA, shown);
        if (zip64 != null && (size == MAGIC32 || compressedSize == MAGIC32)) {
            // In a local header the ZIP64 field holds both sizes, inflated first (zero when a data
            // descriptor follows the data, as streaming writers do).
            if (zip64.length < 16) {
                throw new UnsafeZipException("entry '" + shown + "' has a damaged ZIP64 field");
            }
            if (size == MAGIC32) {
                size = le64(zip64, 0);
            }
            if (compressedSize == MAGIC32) {
                compressedSize = le64(zip64, 8);
            }
        }
        if (zip64 == null && (size == MAGIC32 || compressedSize == MAGIC32)) {
            throw new UnsafeZipException("entry '" + shown + "' has ZIP64 sizes but no ZIP64 field");
        }
        if (method == STORED && size != compressedSize) {
            throw new UnsafeZipException("entry '" + shown + "' is stored but its two sizes differ");
        }
        return new LocalHeader(offset, name, flags, method, crc, compressedSize, size, zip64 != null);
    }

    boolean utf8() {
        return (flags & UTF8) != 0;
    }

    boolean hasDataDescriptor() {
        return (flags & DATA_DESCRIPTOR) != 0;
    }

    /** This header with what its data really was. */
    LocalHeader withData(long actualCrc, long actualCompressed, long actualSize) {
        return new LocalHeader(offset, name, flags, method, actualCrc, actualCompressed, actualSize, zip64);
    }

    /** The data of one extra field, or null when absent; a damaged extra block is refused. */
    static byte[] extraField(byte[] extra, int id, String shown) throws UnsafeZipException {
        byte[] found = null;
        int p = 0;
        while (p < extra.length) {
            if (p + 4 > extra.length) {
                throw new UnsafeZipException("entry '" + shown + "' has a damaged extra field");
            }
            int fieldId = (extra[p] & 0xff) | (extra[p + 1] & 0xff) << 8;
            int length = (extra[p + 2] & 0xff) | (extra[p + 3] & 0xff) << 8;
            if (p + 4 + length > extra.length) {
                throw new UnsafeZipException("entry '" + shown + "' has a damaged extra field");
            }
            if (fieldId == id) {
                if (found != null) {
                    throw new UnsafeZipException("entry '" + shown + "' has two extra fields of type " + id);
                }
                found = java.util.Arrays.copyOfRange(extra, p + 4, p + 4 + length);
            }
            p += 4 + length;
        }
        return found;
    }

    static long le64(byte[] b, int at) throws UnsafeZipException {
        if (at + 8 > b.length) {
            throw new UnsafeZipException("a ZIP64 field is too short");
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xffL);
        }
        if (v < 0) {
            throw new UnsafeZipException("a ZIP64 size or offset is out of range");
        }
        return v;
    }
}
