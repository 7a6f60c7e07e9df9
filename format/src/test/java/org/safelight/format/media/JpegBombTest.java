package org.safelight.format.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Tiny JPEGs that declare huge images (decompression bombs): neither decoder may allocate for the
 * declared size. Measured by the bytes this thread allocates, not by time.
 */
class JpegBombTest {
    private static final long LIMIT = 8L << 20;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void a_150_byte_jpeg_declaring_32768_squared_is_left_by_the_dc_decoder_without_allocating_for_it() {
        byte[] bomb = bomb(32768, 32768);
        assertThat(bomb.length).isLessThan(200);

        long before = allocated();
        assertThat(JpegDcDecoder.decode(bomb, Thumbnails.LONG_EDGE)).isNull();
        assertThat(allocated() - before).isLessThan(LIMIT);
    }

    @Test
    void a_150_byte_jpeg_declaring_11000_squared_within_the_block_limit_stops_where_its_data_ends() {
        // under MAX_BLOCKS, so only the shortness of its data can stop it
        byte[] bomb = bomb(11000, 11000);

        long before = allocated();
        assertThat(JpegDcDecoder.decode(bomb, Thumbnails.LONG_EDGE)).isNull();
        assertThat(allocated() - before).isLessThan(LIMIT);
    }

    @Test
    void a_150_byte_jpeg_declaring_20000_squared_is_refused_as_malformed_naming_the_limit() {
        byte[] bomb = bomb(20000, 20000);

        long before = allocated();
        assertThatThrownBy(() -> Thumbnails.photo(bomb))
                .isInstanceOf(MalformedMediaException.class)
                .hasMessageContaining("20000 x 20000")
                .hasMessageContaining("100 megapixels");
        assertThat(allocated() - before).isLessThan(LIMIT);
    }

    @Test
    void a_150_byte_jpeg_declaring_9000_squared_under_the_pixel_limit_is_decoded_subsampled_or_refused_without_a_full_size_image() {
        // 81 MP is allowed; ImageIO finds the data short. A full-size image would be 243 MB; the
        // subsampled one (every 4th pixel) about 15 MB, plus ImageIO's own buffers and first use.
        byte[] bomb = bomb(9000, 9000);

        long before = allocated();
        try {
            Thumbnails.photo(bomb);
        } catch (Exception e) {
            assertThat(e).isInstanceOf(MalformedMediaException.class);
        }
        assertThat(allocated() - before).isLessThan(80L << 20);
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** SOI, one quantisation table, a 4:4:4 frame, one-code Huffman tables, an empty scan, EOI. */
    static byte[] bomb(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        byte[] dqt = new byte[2 + 1 + 64];
        dqt[1] = (byte) dqt.length;
        for (int i = 3; i < dqt.length; i++) {
            dqt[i] = 1;
        }
        segment(out, 0xDB, dqt);
        segment(out, 0xC0, new byte[] {0, 17, 8, (byte) (height >> 8), (byte) height, (byte) (width >> 8),
            (byte) width, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0});
        // one code of length 1 for symbol 0: DC difference 0, and end of block
        segment(out, 0xC4, new byte[] {0, 20, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        segment(out, 0xC4, new byte[] {0, 20, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        segment(out, 0xDA, new byte[] {0, 12, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0});
        out.writeBytes(new byte[] {0, 0, (byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    /** Writes a marker and the segment body, whose first two bytes are its length. */
    private static void segment(ByteArrayOutputStream out, int marker, byte[] body) {
        out.write(0xFF);
        out.write(marker);
        out.writeBytes(body);
    }
}
