package org.safelight.format.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads a JPEG stream one marker segment at a time, without decoding it. It keeps its own small
 * buffer so that entropy-coded data can be copied in runs rather than byte by byte. Not thread-safe;
 * one reader per stream.
 */
final class JpegReader {
    static final int SOI = 0xD8;
    static final int EOI = 0xD9;
    static final int SOS = 0xDA;
    static final int APP0 = 0xE0;
    static final int APP1 = 0xE1;
    static final int APP2 = 0xE2;
    static final int APP14 = 0xEE;
    static final int COM = 0xFE;

    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;

    JpegReader(InputStream in) {
        this.in = in;
    }

    /** Markers that stand alone, without a length field: TEM and the restart markers. */
    static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
    }

    /** Consumes the start-of-image marker, which every JPEG begins with. */
    void readStart() throws IOException {
        int first = read();
        int second = read();
        if (first != 0xFF || second != SOI) {
            throw new MalformedMediaException("photo is not a JPEG image (no start-of-image marker)");
        }
    }

    /** The next marker code, skipping the 0xFF fill bytes JPEG allows before a marker. */
    int nextMarker() throws IOException {
        if (readOrFail() != 0xFF) {
            throw new MalformedMediaException("photo is damaged: expected a JPEG marker between segments");
        }
        int marker;
        do {
            marker = readOrFail();
        } while (marker == 0xFF);
        if (marker == 0x00) {
            throw new MalformedMediaException("photo is damaged: invalid JPEG marker");
        }
        return marker;
    }

    /** The payload of the segment whose marker was just read: its length field, then the bytes it counts. */
    byte[] payload() throws IOException {
        int length = (readOrFail() << 8) | readOrFail();
        if (length < 2) {
            throw new MalformedMediaException("photo is damaged: a JPEG segment has an impossible length");
        }
        byte[] payload = new byte[length - 2];
        int filled = 0;
        while (filled < payload.length) {
            if (position == limit && !fill()) {
                throw truncated();
            }
            int n = Math.min(payload.length - filled, limit - position);
            System.arraycopy(buffer, position, payload, filled, n);
            position += n;
            filled += n;
        }
        return payload;
    }

    /**
     * Copies entropy-coded scan data to {@code out} exactly as stored, including stuffed zero bytes
     * and restart markers, and returns the marker that ends the scan (usually EOI, or the next
     * segment of a progressive JPEG). The 0xFF before that marker is consumed, not copied.
     */
    int copyScan(OutputStream out) throws IOException {
        while (true) {
            if (position == limit && !fill()) {
                throw truncated();
            }
            int start = position;
            while (position < limit && buffer[position] != (byte) 0xFF) {
                position++;
            }
            out.write(buffer, start, position - start);
            if (position == limit) {
                continue;
            }
            position++;
            int next;
            do {
                next = readOrFail();
            } while (next == 0xFF);
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                out.write(0xFF);
                out.write(next);
                continue;
            }
            return next;
        }
    }

    private int readOrFail() throws IOException {
        int b = read();
        if (b < 0) {
            throw truncated();
        }
        return b;
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xFF;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            // a stream that answers 0 to a non-empty request would otherwise make the callers spin
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private static MalformedMediaException truncated() {
        return new MalformedMediaException("photo is truncated: the JPEG data ends too early");
    }
}
