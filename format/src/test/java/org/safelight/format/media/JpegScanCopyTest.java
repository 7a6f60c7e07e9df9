package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Copying a scan in runs (stuffed zeros and restart markers inside a run) gives the bytes of the
 * byte-at-a-time rules, wherever the reads end: fill bytes before a stuffed zero are dropped, the
 * marker that ends the scan is returned, a scan without one is truncated.
 */
class JpegScanCopyTest {
    @Test
    void a_scan_is_copied_as_the_byte_at_a_time_rules_copy_it_wherever_the_reads_end() throws IOException {
        Random random = new Random(85);
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream scan = new ByteArrayOutputStream();
            int length = 1 + random.nextInt(round % 10 == 0 ? 100_000 : 2_000);
            for (int i = 0; i < length; i++) {
                int kind = random.nextInt(40);
                if (kind == 0) {
                    scan.writeBytes(new byte[] {(byte) 0xFF, 0});
                } else if (kind == 1) {
                    scan.writeBytes(new byte[] {(byte) 0xFF, (byte) (0xD0 + random.nextInt(8))});
                } else if (kind == 2) {
                    scan.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, 0}); // a fill byte first
                } else {
                    scan.write(random.nextInt(255)); // never 0xFF alone
                }
            }
            scan.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xD9, 1, 2, 3});
            byte[] bytes = scan.toByteArray();

            ByteArrayOutputStream copied = new ByteArrayOutputStream();
            int marker = new JpegReader(new Pieces(bytes, random)).copyScan(copied);

            assertThat(marker).isEqualTo(0xD9);
            assertThat(copied.toByteArray()).as("round %d", round).isEqualTo(byteAtATime(bytes));
        }
    }

    @Test
    void a_scan_that_ends_without_a_marker_is_truncated() {
        byte[] bytes = {1, 2, (byte) 0xFF, 0, 3, (byte) 0xFF};
        assertThatThrownBy(() -> new JpegReader(new Pieces(bytes, new Random(1))).copyScan(new ByteArrayOutputStream()))
                .isInstanceOf(MalformedMediaException.class).hasMessageContaining("truncated");
    }

    /** The scan's bytes up to its ending marker as the rules give them: fill bytes before a kept pair dropped. */
    private static byte[] byteAtATime(byte[] scan) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int b = scan[i++] & 0xFF;
            if (b != 0xFF) {
                out.write(b);
                continue;
            }
            int next;
            do {
                next = scan[i++] & 0xFF;
            } while (next == 0xFF);
            if (next == 0 || (next >= 0xD0 && next <= 0xD7)) {
                out.write(0xFF);
                out.write(next);
                continue;
            }
            return out.toByteArray();
        }
    }

    /** Hands out its bytes in pieces of random length, so the reader's buffer ends at every kind of byte. */
    private static final class Pieces extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int position;

        Pieces(byte[] bytes, Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 4 : 40_000)), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }

}
