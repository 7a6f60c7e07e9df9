package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scan bit reader takes up to 8 bytes at once when none is 0xFF: it must read exactly the bits the
 * byte-by-byte rules give (stuffed 0xFF 0x00 is one 0xFF byte of data), wherever the stuffing falls.
 */
class JpegBitsTest {
    /** A DC table of two 1-bit codes: 0 is size 0, 1 is size 1, so every bit of the data is visible. */
    private static JpegHuffman.Table oneBitTable() throws Exception {
        int[] counts = new int[17];
        counts[1] = 2;
        return JpegHuffman.Table.of(counts, new byte[] {0, 1});
    }

    /** The differences the byte-by-byte rules give for these data bits, from the plain bit string. */
    private static List<Integer> expected(byte[] plain, int reads) {
        List<Integer> out = new ArrayList<>();
        int bit = 0;
        for (int i = 0; i < reads; i++) {
            if (bitAt(plain, bit++) == 0) {
                out.add(0);
            } else {
                out.add(bitAt(plain, bit++) == 1 ? 1 : -1);
            }
        }
        return out;
    }

    private static int bitAt(byte[] data, int bit) {
        return (data[bit >> 3] >> (7 - (bit & 7))) & 1;
    }

    @Test
    void bytes_read_eight_at_a_time_give_the_same_bits_as_one_at_a_time_around_stuffed_bytes() throws Exception {
        Random random = new Random(14);
        for (int round = 0; round < 200; round++) {
            byte[] plain = new byte[64 + random.nextInt(64)];
            random.nextBytes(plain);
            for (int i = 0; i < plain.length; i++) {
                if (random.nextInt(round % 4 == 0 ? 3 : 16) == 0) {
                    plain[i] = (byte) 0xFF; // stuffed below, at every alignment
                }
            }
            ByteArrayOutputStream scan = new ByteArrayOutputStream();
            for (byte b : plain) {
                scan.write(b);
                if (b == (byte) 0xFF) {
                    scan.write(0);
                }
            }
            scan.write(0xFF);
            scan.write(0xD9); // the end marker
            int reads = plain.length * 8 / 2 - 8; // stays inside the data: two bits at most per read
            JpegHuffman.Bits bits = new JpegHuffman.Bits(scan.toByteArray(), 0);
            List<Integer> got = new ArrayList<>();
            JpegHuffman.Table table = oneBitTable();
            for (int i = 0; i < reads; i++) {
                got.add(bits.dcDifference(table));
            }
            assertThat(got).as("round %d", round).isEqualTo(expected(plain, reads));
        }
    }
}
