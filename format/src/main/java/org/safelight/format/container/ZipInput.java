package org.safelight.format.container;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Inflater;

/**
 * The raw bytes of a ZIP, read once from front to back, with the offset of every byte known
 * exactly: the reader compares these offsets with the ones the central directory claims. Bytes fed
 * to an {@link Inflater} and left over at the end of a deflate stream are given back, so the
 * offset after an entry is where its compressed data really ended. Not thread-safe.
 */
final class ZipInput {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private long base;
    private int pos;
    private int lim;

    ZipInput(InputStream in) {
        this.in = in;
    }

    /** Offset in the archive of the next byte to be read. */
    long position() {
        return base + pos;
    }

    /** True when the archive has no more bytes. */
    boolean atEnd() throws IOException {
        return !fill();
    }

    int read(byte[] b, int off, int len) throws IOException {
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Exactly {@code n} bytes, or an {@link UnsafeZipException} saying the archive is cut off. */
    byte[] bytes(int n) throws IOException {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int r = read(out, done, n - done);
            if (r < 0) {
                throw new UnsafeZipException("the archive is cut off");
            }
            done += r;
        }
        return out;
    }

    int u16() throws IOException {
        byte[] b = bytes(2);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8;
    }

    long u32() throws IOException {
        byte[] b = bytes(4);
        return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
    }

    long u64() throws IOException {
        long low = u32();
        long high = u32();
        if (high > Integer.MAX_VALUE) {
            throw new UnsafeZipException("a ZIP64 size or offset is out of range");
        }
        return low | high << 32;
    }

    /** Hands the buffered bytes to the inflater; false at the end of the archive. */
    boolean feed(Inflater inflater) throws IOException {
        if (!fill()) {
            return false;
        }
        inflater.setInput(buf, pos, lim - pos);
        pos = lim;
        return true;
    }

    /** Takes back the bytes the inflater did not use (those after the end of a deflate stream). */
    void giveBack(int n) {
        pos -= n;
    }

    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        base += lim;
        pos = 0;
        lim = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        lim = n;
        return true;
    }
}
