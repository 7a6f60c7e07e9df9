package org.safelight.format.container;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a ZIP from outside one entry at a time, in one pass from front to back, enforcing
 * {@link ZipLimits} and the {@link EntryNames} rules while inflating. Directory entries are skipped.
 *
 * <p>One reading for every reader (DESIGN §2): the reader notes where each local header was and
 * what its data really held (CRC-32, sizes, also from a data descriptor), and after the last entry
 * reads on through the central directory and the end record, which must describe exactly those
 * entries, with no byte between or after them (see {@link CentralDirectory}). The file is read
 * once, so it cannot change between two readings; the price is that the archive is vouched for only
 * when {@link #next()} has returned null: callers act on what they read (move it into place, store
 * it) only after that. Stored and deflated entries, ZIP64, data descriptors; no encryption, no
 * archive comment. Any failure, including an unexpected runtime exception on hostile bytes, is an
 * {@link UnsafeZipException}. Not thread-safe.
 *
 * <pre>{@code
 * try (SafeZipReader zip = new SafeZipReader(in, ZipLimits.REPORT)) {
 *     for (SafeZipReader.Entry e; (e = zip.next()) != null; ) { e.stream()... }
 * }   // only now is the archive known to be one consistent ZIP
 * }</pre>
 */
public final class SafeZipReader implements AutoCloseable {
    private static final long DESCRIPTOR = 0x08074b50L;
    private final InputStream source;
    private final ZipInput in;
    private final ZipLimits limits;
    private final EntryNames names = new EntryNames();
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final List<LocalHeader> seen = new ArrayList<>();
    private LocalHeader current;
    private String entryName;
    private long dataStart;
    private long entryBytes;
    private boolean entryDone;
    private boolean finished;
    private int entries;
    private long total;

    public SafeZipReader(InputStream in, ZipLimits limits) {
        this.source = in;
        this.in = new ZipInput(in);
        this.limits = limits;
    }

    /** One file in the archive; its stream is valid until the next call to {@link #next()}. */
    public record Entry(String name, InputStream stream) {
    }

    /**
     * The next file entry, or null at the end of the archive, once the central directory and the end
     * record were found to agree with every entry read.
     */
    public Entry next() throws UnsafeZipException {
        try {
            return advance();
        } catch (UnsafeZipException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnsafeZipException("not a readable ZIP archive (" + e.getMessage() + ")", e);
        }
    }

    private Entry advance() throws IOException {
        if (finished) {
            return null;
        }
        while (true) {
            if (current != null) {
                finishEntry();
            }
            long offset = in.position();
            long signature = in.atEnd() ? -1 : in.u32();
            if (signature != LocalHeader.SIGNATURE) {
                if (entries == 0) {
                    throw new UnsafeZipException("not a ZIP archive, or an empty one");
                }
                CentralDirectory.verify(in, signature, offset, seen);
                finished = true;
                return null;
            }
            LocalHeader header = LocalHeader.read(in, offset);
            if (++entries > limits.maxEntries()) {
                throw new UnsafeZipException("more than " + limits.maxEntries() + " entries");
            }
            String name = names.accept(EntryNames.decode(header.name(), header.utf8()));
            current = header;
            entryName = name;
            entryBytes = 0;
            entryDone = false;
            dataStart = in.position();
            crc.reset();
            inflater.reset();
            if (!name.endsWith("/")) {
                return new Entry(name, new EntryStream());
            }
        }
    }

    /** Reads what the caller left of the entry, then its data descriptor, and checks both against its header. */
    private void finishEntry() throws IOException {
        byte[] scratch = new byte[8192];
        while (readData(scratch, 0, scratch.length) >= 0) {
            // counted against the limits like any other read
        }
        LocalHeader h = current;
        String shown = EntryNames.printable(entryName);
        long compressed = in.position() - dataStart;
        long actualCrc = crc.getValue();
        if (entryName.endsWith("/") && entryBytes != 0) {
            throw new UnsafeZipException("folder entry '" + shown + "' holds data");
        }
        if (h.hasDataDescriptor()) {
            long first = in.u32();
            long descriptorCrc = first == DESCRIPTOR ? in.u32() : first;
            boolean wide = h.zip64() || compressed >= LocalHeader.MAGIC32 || entryBytes >= LocalHeader.MAGIC32;
            long descriptorCompressed = wide ? in.u64() : in.u32();
            long descriptorSize = wide ? in.u64() : in.u32();
            if (descriptorCrc != actualCrc || descriptorCompressed != compressed || descriptorSize != entryBytes) {
                throw new UnsafeZipException("entry '" + shown + "' is damaged (its data descriptor does not match it)");
            }
            // The header's own values are zero here; if a writer filled them in they must be right.
            if (!zeroOr(h.crc(), actualCrc) || !zeroOr(h.compressedSize(), compressed) || !zeroOr(h.size(), entryBytes)) {
                throw new UnsafeZipException("entry '" + shown + "' is damaged (its header does not match its data)");
            }
        } else if (h.crc() != actualCrc || h.compressedSize() != compressed || h.size() != entryBytes) {
            throw new UnsafeZipException("entry '" + shown + "' is damaged (its header does not match its data)");
        }
        seen.add(h.withData(actualCrc, compressed, entryBytes));
        current = null;
    }

    private static boolean zeroOr(long stated, long actual) {
        return stated == 0 || stated == actual;
    }

    /** The current entry's inflated bytes, or -1 at its end; counted against the limits. */
    private int readData(byte[] b, int off, int len) throws IOException {
        if (entryDone || len == 0) {
            return entryDone ? -1 : 0;
        }
        int n;
        if (current.method() == LocalHeader.STORED) {
            long left = current.compressedSize() - (in.position() - dataStart);
            if (left == 0) {
                entryDone = true;
                return -1;
            }
            n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw cutOff();
            }
        } else {
            n = inflate(b, off, len);
            if (n < 0) {
                entryDone = true;
                return -1;
            }
        }
        crc.update(b, off, n);
        count(n);
        return n;
    }

    private int inflate(byte[] b, int off, int len) throws IOException {
        try {
            while (true) {
                int n = inflater.inflate(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (inflater.finished()) {
                    in.giveBack(inflater.getRemaining());
                    return -1;
                }
                if (inflater.needsDictionary()) {
                    throw new UnsafeZipException("entry '" + EntryNames.printable(entryName) + "' is damaged");
                }
                if (inflater.needsInput() && !in.feed(inflater)) {
                    throw cutOff();
                }
            }
        } catch (DataFormatException e) {
            throw new UnsafeZipException("entry '" + EntryNames.printable(entryName) + "' is damaged ("
                    + e.getMessage() + ")", e);
        }
    }

    private UnsafeZipException cutOff() {
        return new UnsafeZipException("the archive is cut off inside '" + EntryNames.printable(entryName) + "'");
    }

    /** The bytes inflated so far, over all entries (past the total limit when that limit stopped it). */
    public long inflated() {
        return total;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        source.close();
    }

    private void count(int n) throws UnsafeZipException {
        entryBytes += n;
        total += n;
        if (entryBytes > limits.maxEntryBytes()) {
            throw new UnsafeZipException("entry '" + EntryNames.printable(entryName) + "' inflates past "
                    + limits.maxEntryBytes() + " bytes");
        }
        if (total > limits.maxTotalBytes()) {
            throw new UnsafeZipException("the archive inflates past " + limits.maxTotalBytes() + " bytes");
        }
        if (total > ZipLimits.RATIO_GRACE_BYTES && total > (long) limits.maxRatio() * Math.max(1, in.position())) {
            throw new UnsafeZipException("the archive inflates more than " + limits.maxRatio()
                    + " times its size: a ZIP bomb?");
        }
    }

    /** The current entry's inflated bytes; every failure on hostile bytes is an {@link UnsafeZipException}. */
    private final class EntryStream extends InputStream {
        private final LocalHeader owner = current;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (current != owner) {
                throw new IOException("this entry's stream ended when the next entry was read");
            }
            try {
                return readData(b, off, len);
            } catch (RuntimeException e) {
                throw new UnsafeZipException("entry '" + EntryNames.printable(entryName) + "' cannot be read ("
                        + e.getMessage() + ")", e);
            }
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }
}
