package org.safelight.format.container;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a ZIP from outside one entry at a time, as a stream, enforcing {@link ZipLimits} and the
 * {@link EntryNames} rules while inflating. Directory entries are skipped. Not thread-safe.
 *
 * <pre>{@code
 * try (SafeZipReader zip = new SafeZipReader(in, ZipLimits.REPORT)) {
 *     for (SafeZipReader.Entry e; (e = zip.next()) != null; ) { e.stream()... }
 * }
 * }</pre>
 */
public final class SafeZipReader implements AutoCloseable {
    private final CountingStream raw;
    private final ZipInputStream zip;
    private final ZipLimits limits;
    private final EntryNames names = new EntryNames();
    private int entries;
    private long total;
    private long entryBytes;
    private String entryName;

    public SafeZipReader(InputStream in, ZipLimits limits) {
        this.raw = new CountingStream(in);
        this.zip = new ZipInputStream(raw);
        this.limits = limits;
    }

    /** One file in the archive; its stream is valid until the next call to {@link #next()}. */
    public record Entry(String name, InputStream stream) {
    }

    /** The next file entry, or null at the end of the archive. */
    public Entry next() throws UnsafeZipException {
        try {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new UnsafeZipException("more than " + limits.maxEntries() + " entries");
                }
                String name = names.accept(entry.getName());
                if (!entry.isDirectory()) {
                    entryName = name;
                    entryBytes = 0;
                    return new Entry(name, new EntryStream());
                }
            }
            if (entries == 0) {
                throw new UnsafeZipException("not a ZIP archive, or an empty one");
            }
            return null;
        } catch (UnsafeZipException e) {
            throw e;
        } catch (IOException e) {
            throw new UnsafeZipException("not a readable ZIP archive (" + e.getMessage() + ")", e);
        }
    }

    /** The bytes inflated so far, over all entries (past the total limit when that limit stopped it). */
    public long inflated() {
        return total;
    }

    @Override
    public void close() throws IOException {
        zip.close();
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
        if (total > ZipLimits.RATIO_GRACE_BYTES && total > (long) limits.maxRatio() * Math.max(1, raw.count)) {
            throw new UnsafeZipException("the archive inflates more than " + limits.maxRatio()
                    + " times its size: a ZIP bomb?");
        }
    }

    /** The current entry's inflated bytes, counted against the limits as they are read. */
    private final class EntryStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = zip.read(b, off, len);
            } catch (ZipException e) {
                throw new UnsafeZipException("entry '" + EntryNames.printable(entryName) + "' is damaged ("
                        + e.getMessage() + ")", e);
            } catch (java.io.EOFException e) {
                throw new UnsafeZipException("the archive is cut off inside '" + EntryNames.printable(entryName) + "'", e);
            }
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }

    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
