package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Skipping a block's AC coefficients several codes at a time must stop exactly where the block
 * ends (after its end of block, or at its 64th coefficient without one), and refuse what runs past
 * the block or is no AC symbol, as skipping one code at a time does.
 */
class JpegAcSkipTest {
    /** Code lengths 1..16 of the example AC table most encoders use: 162 symbols, up to 16 bits. */
    private static final int[] COUNTS = {0, 0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125};

    @Test
    void every_block_is_skipped_to_exactly_its_end_whatever_codes_the_table_gives_its_symbols() throws Exception {
        Random random = new Random(1414);
        for (int round = 0; round < 60; round++) {
            Coder coder = new Coder(shuffledSymbols(random));
            List<Integer> sentinels = new ArrayList<>();
            for (int block = 0; block < 300; block++) {
                coder.block(random, false);
                // a code of the one-bit table after each block: read back only if the skip stopped at the block's end
                int sign = random.nextInt(2);
                coder.bits(1, 1);
                coder.bits(sign, 1);
                sentinels.add(sign == 1 ? 1 : -1);
            }
            JpegHuffman.Bits bits = new JpegHuffman.Bits(coder.scan(), 0);
            JpegHuffman.AcSkip skip = new JpegHuffman.AcSkip(coder.table);
            JpegHuffman.Table oneBit = oneBitTable();
            for (int block = 0; block < sentinels.size(); block++) {
                bits.skipAc(skip);
                assertThat(bits.dcDifference(oneBit)).as("round %d, block %d", round, block)
                        .isEqualTo(sentinels.get(block));
            }
            bits.finish();
        }
    }

    @Test
    void coefficients_running_past_the_block_are_refused() throws Exception {
        Random random = new Random(64);
        for (int round = 0; round < 200; round++) {
            Coder coder = new Coder(shuffledSymbols(random));
            coder.block(random, true);
            JpegHuffman.Bits bits = new JpegHuffman.Bits(coder.scan(), 0);
            JpegHuffman.AcSkip skip = new JpegHuffman.AcSkip(coder.table);
            assertThatThrownBy(() -> bits.skipAc(skip)).as("round %d", round)
                    .isInstanceOf(JpegDcDecoder.Unsupported.class);
        }
    }

    @Test
    void a_symbol_with_no_size_that_is_neither_end_of_block_nor_sixteen_zeros_is_refused() throws Exception {
        List<Integer> symbols = shuffledSymbols(new Random(5));
        int invalid = symbols.indexOf(0x01);
        symbols.set(invalid, 0x50); // five zeros and no coefficient: not an AC symbol
        Coder coder = new Coder(symbols);
        coder.symbol(0x02);
        coder.bits(3, 2);
        coder.symbol(0x50);
        coder.symbol(0x00);
        JpegHuffman.Bits bits = new JpegHuffman.Bits(coder.scan(), 0);
        JpegHuffman.AcSkip skip = new JpegHuffman.AcSkip(coder.table);
        assertThatThrownBy(() -> bits.skipAc(skip)).isInstanceOf(JpegDcDecoder.Unsupported.class);
    }

    @Test
    void a_file_of_a_thousand_huffman_tables_does_not_build_skipping_steps_for_each() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        for (int i = 0; i < 1000; i++) {
            jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC4, 0, (byte) (2 + 1 + 16 + 162), 0x10});
            for (int length = 1; length <= 16; length++) {
                jpeg.write(COUNTS[length]);
            }
            for (int s = 0; s < 162; s++) {
                jpeg.write(s);
            }
        }
        jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        byte[] file = jpeg.toByteArray();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        assertThat(JpegDcDecoder.decode(file, 1)).isNull();
        // each table's own look-up is 4 KiB; skipping steps (64 KiB) for each would be 64 MB
        assertThat(threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before).isLessThan(16L << 20);
    }

    private static JpegHuffman.Table oneBitTable() throws Exception {
        int[] counts = new int[17];
        counts[1] = 2;
        return JpegHuffman.Table.of(counts, new byte[] {0, 1});
    }

    /** The 162 AC symbols (end of block, sixteen zeros, every run 0..15 with size 1..10) in a random order. */
    private static List<Integer> shuffledSymbols(Random random) {
        List<Integer> symbols = new ArrayList<>();
        symbols.add(0x00);
        symbols.add(0xF0);
        for (int run = 0; run < 16; run++) {
            for (int size = 1; size <= 10; size++) {
                symbols.add(run << 4 | size);
            }
        }
        Collections.shuffle(symbols, random);
        return symbols;
    }

    /** Writes a scan's bits with a canonical Huffman code of COUNTS for the given symbols. */
    private static final class Coder {
        final JpegHuffman.Table table;
        private final List<Integer> symbols;
        private final int[] codes = new int[256];
        private final int[] lengths = new int[256];
        private final List<Integer> shortSymbols = new ArrayList<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long pending;
        private int pendingBits;

        Coder(List<Integer> symbols) throws Exception {
            this.symbols = symbols;
            byte[] bytes = new byte[symbols.size()];
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++) {
                for (int i = 0; i < COUNTS[length]; i++, k++, code++) {
                    int s = symbols.get(k);
                    bytes[k] = (byte) s;
                    codes[s] = code;
                    lengths[s] = length;
                    if (length <= 6) {
                        shortSymbols.add(s);
                    }
                }
                code <<= 1;
            }
            this.table = JpegHuffman.Table.of(COUNTS, bytes);
        }

        /**
         * One block's AC codes, mostly short ones as in a photo: up to the 64th coefficient or an end of
         * block; with {@code overrun}, the last code's zeros and coefficient go past the block's end.
         */
        void block(Random random, boolean overrun) {
            int k = 1;
            while (k < 64) {
                List<Integer> from = random.nextInt(4) == 0 ? symbols : shortSymbols;
                int s = from.get(random.nextInt(from.size()));
                int run = s >> 4;
                int size = s & 15;
                if (s == 0x00) {
                    if (overrun || random.nextInt(3) != 0) {
                        continue; // blocks end early often, but not always
                    }
                    symbol(s);
                    return;
                }
                int advance = size == 0 ? 16 : run + 1;
                boolean fits = overrun ? k + advance < 64 || (k + advance > 64 && k > 40) : k + advance <= 64;
                if (!fits) {
                    continue;
                }
                symbol(s);
                bits(random.nextInt(1 << size), size);
                k += advance;
            }
        }

        void symbol(int s) {
            bits(codes[s], lengths[s]);
        }

        void bits(int value, int count) {
            pending = pending << count | (value & ((1L << count) - 1));
            pendingBits += count;
            while (pendingBits >= 8) {
                int b = (int) (pending >>> (pendingBits - 8)) & 0xFF;
                pendingBits -= 8;
                out.write(b);
                if (b == 0xFF) {
                    out.write(0); // stuffed
                }
            }
        }

        /** The scan's bytes: the bits padded with ones, then the end marker. */
        byte[] scan() {
            if (pendingBits > 0) {
                bits((1 << (8 - pendingBits)) - 1, 8 - pendingBits);
            }
            out.write(0xFF);
            out.write(0xD9);
            return out.toByteArray();
        }
    }
}
