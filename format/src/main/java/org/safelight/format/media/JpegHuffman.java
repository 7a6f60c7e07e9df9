package org.safelight.format.media;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.safelight.format.media.JpegDcDecoder.Unsupported;

/** Huffman tables and the bit reader of {@link JpegDcDecoder}'s entropy decoding. */
final class JpegHuffman {
    /** Codes up to this length are decoded by one table look-up. */
    static final int FAST_BITS = 10;
    private static final int FAST_MASK = (1 << FAST_BITS) - 1;

    private JpegHuffman() {
    }

    /** One DHT table, with look-up tables for short codes. Immutable once built. */
    static final class Table {
        /** (code length << 8 | symbol) by the next FAST_BITS bits; 0 when the code is longer. */
        final int[] fast = new int[1 << FAST_BITS];
        /**
         * For AC tables: (zigzag positions advanced << 8 | bits consumed) for a code and its
         * coefficient bits that fit in FAST_BITS together; advanced is 0 for end-of-block. 0 when
         * they do not fit.
         */
        final int[] acSkip;
        private final int[] maxCode = new int[18];
        private final int[] valueOffset = new int[17];
        private final byte[] symbols;

        private Table(byte[] symbols, boolean ac) {
            this.symbols = symbols;
            this.acSkip = ac ? new int[1 << FAST_BITS] : null;
        }

        static Table of(int[] counts, byte[] symbols, boolean ac) throws Unsupported {
            Table t = new Table(symbols, ac);
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++) {
                t.valueOffset[length] = k - code;
                for (int i = 0; i < counts[length]; i++, k++, code++) {
                    if (length <= FAST_BITS) {
                        int shift = FAST_BITS - length;
                        int symbol = symbols[k] & 0xFF;
                        for (int j = 0; j < 1 << shift; j++) {
                            int index = (code << shift) | j;
                            t.fast[index] = length << 8 | symbol;
                            if (ac) {
                                t.acSkip[index] = skip(symbol, length);
                            }
                        }
                    }
                }
                if (code > 1 << length) {
                    throw new Unsupported(); // more codes than the length allows: a bogus table
                }
                t.maxCode[length] = counts[length] == 0 ? -1 : code - 1;
                code <<= 1;
            }
            t.maxCode[17] = Integer.MAX_VALUE;
            return t;
        }

        private static int skip(int symbol, int length) {
            int run = symbol >> 4;
            int size = symbol & 15;
            if (size == 0) {
                return run == 0 ? length : run == 15 ? 16 << 8 | length : 0;
            }
            return length + size <= FAST_BITS ? (run + 1) << 8 | (length + size) : 0;
        }
    }

    /** Reads a scan's entropy-coded bits: stuffed zero bytes removed, zeros after a marker. */
    static final class Bits {
        private final byte[] data;
        private int pos;
        private long buffer;
        private int count;
        /** Zero bytes added after the scan's end marker: reading into them means the data was short. */
        private int padding;
        /** More zero bytes than the 64-bit buffer holds: every real bit has been consumed. */
        private static final int MAX_PADDING = 8;
        private static final VarHandle BIG_ENDIAN = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.BIG_ENDIAN);
        private static final long ONES = 0x0101010101010101L;
        private static final long HIGH_BITS = 0x8080808080808080L;

        Bits(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        private void fill() throws Unsupported {
            if (padding > MAX_PADDING) {
                // the buffer holds at most 8 bytes, so this many zero bytes past the data's end mean
                // it ran out long ago: stop now rather than decode a declared size from nothing
                throw new Unsupported();
            }
            if (padding == 0 && pos + 8 <= data.length) {
                // most of a scan has no 0xFF byte: take as many whole bytes as the buffer has room for at once
                long word = (long) BIG_ENDIAN.get(data, pos);
                if (((word & ~(word + ONES)) & HIGH_BITS) == 0) { // no byte of the 8 is 0xFF
                    int bytes = (64 - count) >> 3;
                    buffer = bytes == 8 ? word : buffer << (bytes << 3) | word >>> (64 - (bytes << 3));
                    pos += bytes;
                    count += bytes << 3;
                    return;
                }
            }
            while (count <= 56) {
                int b = 0;
                if (padding == 0 && pos < data.length) {
                    b = data[pos] & 0xFF;
                    if (b == 0xFF) {
                        int next = pos + 1 < data.length ? data[pos + 1] & 0xFF : -1;
                        if (next == 0) {
                            pos += 2;
                        } else {
                            b = 0; // a marker: the scan or the restart interval ends here
                            padding++;
                        }
                    } else {
                        pos++;
                    }
                } else {
                    padding++;
                }
                buffer = buffer << 8 | b;
                count += 8;
            }
        }

        private int peek(int n) {
            return (int) (buffer >>> (count - n)) & ((1 << n) - 1);
        }

        private int decode(Table t) throws Unsupported {
            if (count < 32) {
                fill();
            }
            int e = t.fast[peek(FAST_BITS)];
            if (e != 0) {
                count -= e >> 8;
                return e & 0xFF;
            }
            int code = peek(16);
            for (int length = FAST_BITS + 1; length <= 16; length++) {
                int c = code >>> (16 - length);
                if (c <= t.maxCode[length]) {
                    count -= length;
                    return t.symbols[c + t.valueOffset[length]] & 0xFF;
                }
            }
            throw new Unsupported(); // no such code: damaged data
        }

        /** The next DC difference: its size category, then that many bits, sign-extended. */
        int dcDifference(Table t) throws Unsupported {
            int size = decode(t);
            if (size == 0) {
                return 0;
            }
            if (size > 11) {
                throw new Unsupported();
            }
            if (count < size) {
                fill();
            }
            int v = peek(size);
            count -= size;
            return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
        }

        /** Skips a block's 63 AC coefficients without computing them. */
        void skipAc(Table t) throws Unsupported {
            int k = 1;
            while (k < 64) {
                if (count < 32) {
                    fill();
                }
                int e = t.acSkip[peek(FAST_BITS)];
                if (e != 0) {
                    count -= e & 0xFF;
                    int advance = e >> 8;
                    if (advance == 0) {
                        return;
                    }
                    k += advance;
                    continue;
                }
                int symbol = decode(t);
                int run = symbol >> 4;
                int size = symbol & 15;
                if (size == 0) {
                    if (run == 0) {
                        return;
                    }
                    if (run != 15) {
                        throw new Unsupported();
                    }
                    k += 16;
                    continue;
                }
                if (count < size) {
                    fill();
                }
                count -= size;
                k += run + 1;
            }
            if (k > 64) {
                throw new Unsupported(); // coefficients past the block's end: damaged data
            }
        }

        /** At a restart interval's end: the RSTn marker, then fresh bits. */
        void restart() throws Unsupported {
            checkNotShort();
            if (pos + 1 >= data.length || (data[pos] & 0xFF) != 0xFF) {
                throw new Unsupported();
            }
            while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= data.length || (data[pos] & 0xF8) != 0xD0) {
                throw new Unsupported();
            }
            pos++;
            buffer = 0;
            count = 0;
            padding = 0;
        }

        /** At the scan's end: the data must not have run out before it. */
        void finish() throws Unsupported {
            checkNotShort();
        }

        /** After each row of MCUs: stops a file that declares more blocks than its data holds early. */
        void checkRow() throws Unsupported {
            checkNotShort();
        }

        private void checkNotShort() throws Unsupported {
            if (count < 8 * padding) {
                throw new Unsupported();
            }
        }
    }
}
