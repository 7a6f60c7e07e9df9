package org.safelight.format.media;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.safelight.format.media.JpegDcDecoder.Unsupported;

/** Huffman tables and the bit reader of {@link JpegDcDecoder}'s entropy decoding. */
final class JpegHuffman {
    /** Codes up to this length are decoded by one table look-up. */
    static final int FAST_BITS = 10;

    private JpegHuffman() {
    }

    /** One DHT table, with a look-up table for short codes. Immutable once built. */
    static final class Table {
        /** (code length << 8 | symbol) by the next FAST_BITS bits; 0 when the code is longer. */
        final int[] fast = new int[1 << FAST_BITS];
        private final int[] maxCode = new int[18];
        private final int[] valueOffset = new int[17];
        private final byte[] symbols;

        private Table(byte[] symbols) {
            this.symbols = symbols;
        }

        static Table of(int[] counts, byte[] symbols) throws Unsupported {
            Table t = new Table(symbols);
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++) {
                t.valueOffset[length] = k - code;
                for (int i = 0; i < counts[length]; i++, k++, code++) {
                    if (length <= FAST_BITS) {
                        int shift = FAST_BITS - length;
                        int symbol = symbols[k] & 0xFF;
                        for (int j = 0; j < 1 << shift; j++) {
                            t.fast[(code << shift) | j] = length << 8 | symbol;
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

        /**
         * The code at the top of {@code code16} (the next 16 bits) as (length << 8 | symbol), or -1
         * when no code of this table starts so.
         */
        int lookUp(int code16) {
            int e = fast[code16 >>> (16 - FAST_BITS)];
            if (e != 0) {
                return e;
            }
            for (int length = FAST_BITS + 1; length <= 16; length++) {
                int c = code16 >>> (16 - length);
                if (c <= maxCode[length]) {
                    return length << 8 | (symbols[c + valueOffset[length]] & 0xFF);
                }
            }
            return -1;
        }
    }

    /**
     * An AC table's skipping steps: for each value of the next {@link #BITS} bits, how many zigzag
     * positions and bits the whole codes and coefficient bits found in them take, as
     * (END_OF_BLOCK if they end with one | positions << 8 | bits); 0 when not even one code and its bits
     * fit. A phone photo's coefficients take about 4 to 7 bits each, so one look-up usually skips two or
     * three of them. Built only for the tables a scan uses (a file can define thousands of tables);
     * immutable once built.
     */
    static final class AcSkip {
        static final int BITS = 14;
        static final int END_OF_BLOCK = 1 << 16;
        /** Positions one look-up may skip: fewer than a block holds after its DC, so k + positions stays in it. */
        private static final int MAX_POSITIONS = 62;

        final Table table;
        final int[] steps = new int[1 << BITS];

        AcSkip(Table table) {
            this.table = table;
            for (int bits = 0; bits < steps.length; bits++) {
                steps[bits] = steps(table, bits);
            }
        }

        private static int steps(Table table, int bits) {
            int used = 0;
            int positions = 0;
            while (used < BITS) {
                int left = BITS - used;
                // the bits not yet used, at the top of 16, zeros after them
                int e = table.lookUp((bits << (16 - BITS + used)) & 0xFFFF);
                int length = e >> 8;
                if (e < 0 || length > left) {
                    break;
                }
                int run = (e & 0xFF) >> 4;
                int size = e & 15;
                if (size == 0 && run == 0) {
                    return END_OF_BLOCK | positions << 8 | (used + length);
                }
                if (size == 0 && run != 15) {
                    break; // not a valid AC symbol: the one-at-a-time path refuses it
                }
                int advance = size == 0 ? 16 : run + 1;
                if (length + size > left || positions + advance > MAX_POSITIONS) {
                    break;
                }
                used += length + size;
                positions += advance;
            }
            return positions == 0 ? 0 : positions << 8 | used;
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
            if (e == 0) {
                e = t.lookUp(peek(16));
                if (e < 0) {
                    throw new Unsupported(); // no such code: damaged data
                }
            }
            count -= e >> 8;
            return e & 0xFF;
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

        /**
         * Skips a block's 63 AC coefficients without computing them: several codes and their bits at
         * once where {@code skip} has them and they stay inside the block, one at a time otherwise.
         */
        void skipAc(AcSkip skip) throws Unsupported {
            int k = 1;
            while (k < 64) {
                if (count < 32) {
                    fill();
                }
                int e = skip.steps[peek(AcSkip.BITS)];
                int next = k + (e >> 8 & 0xFF);
                if (e != 0 && next < 64) {
                    count -= e & 0xFF;
                    if ((e & AcSkip.END_OF_BLOCK) != 0) {
                        return;
                    }
                    k = next;
                    continue;
                }
                int symbol = decode(skip.table);
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
