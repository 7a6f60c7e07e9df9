package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes a download writes, from a file through a buffer smaller than the range, and from a stream. */
class DownloadBodyTest {
    private static final int PIECE = 4096 + 17; // not a page multiple: reads start mid-page

    @TempDir
    Path dir;

    private final byte[] bytes = random(3 * PIECE + 1234);

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(11).nextBytes(b);
        return b;
    }

    private byte[] fromFile(long start, long length, int piece) throws Exception {
        Path file = Files.write(dir.resolve("blob"), bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            DownloadBody.fromFile(channel, start, length, out, piece);
        }
        return out.toByteArray();
    }

    private byte[] slice(int start, int length) {
        return Arrays.copyOfRange(bytes, start, start + length);
    }

    @Test
    void a_whole_file_read_through_a_smaller_buffer_comes_out_byte_for_byte() throws Exception {
        assertThat(fromFile(0, bytes.length, PIECE)).isEqualTo(bytes);
        assertThat(fromFile(0, bytes.length, DownloadBody.FILE_BUFFER)).isEqualTo(bytes);
    }

    @Test
    void the_first_byte_the_last_byte_and_a_range_across_a_buffer_boundary_come_out_exactly() throws Exception {
        assertThat(fromFile(0, 1, PIECE)).isEqualTo(slice(0, 1));
        assertThat(fromFile(bytes.length - 1, 1, PIECE)).isEqualTo(slice(bytes.length - 1, 1));
        assertThat(fromFile(PIECE - 5, 10, PIECE)).isEqualTo(slice(PIECE - 5, 10));
        assertThat(fromFile(PIECE - 5, 2 * PIECE + 10, PIECE)).isEqualTo(slice(PIECE - 5, 2 * PIECE + 10));
        assertThat(fromFile(bytes.length - 300, 300, PIECE)).isEqualTo(slice(bytes.length - 300, 300));
        assertThat(fromFile(5, 0, PIECE)).isEmpty();
    }

    @Test
    void a_range_past_the_files_end_is_refused_before_anything_is_written() {
        assertThatThrownBy(() -> fromFile(bytes.length - 10, 11, PIECE)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> fromFile(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void five_hundred_downloads_in_a_jvm_with_16_mib_of_direct_memory_and_no_explicit_gc_all_finish()
            throws Exception {
        Path file = dir.resolve("two-mib");
        Files.write(file, new byte[2 * DownloadBody.FILE_BUFFER + 1000]);
        Path log = dir.resolve("burst.log");
        Process burst = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=16m", "-XX:+DisableExplicitGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                DirectBufferBurst.class.getName(), file.toString(), "500"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(burst.waitFor(5, TimeUnit.MINUTES)).as("the forked JVM finished").isTrue();
            assertThat(burst.exitValue()).as(Files.readString(log)).isZero();
        } finally {
            burst.destroyForcibly();
        }
    }

    @Test
    void a_file_deleted_after_it_was_opened_is_still_sent_whole() throws Exception {
        Path file = Files.write(dir.resolve("swept"), bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Files.delete(file);
            DownloadBody.fromFile(channel, 0, bytes.length, out, PIECE);
        }
        assertThat(out.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void a_stream_is_copied_up_to_the_length_asked_for_through_a_small_fixed_buffer() throws Exception {
        byte[] large = random(DownloadBody.STREAM_BUFFER * 2 + 99);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        DownloadBody.fromStream(new TrickleStream(large), large.length, whole);
        assertThat(whole.toByteArray()).isEqualTo(large);

        ByteArrayOutputStream part = new ByteArrayOutputStream();
        DownloadBody.fromStream(new ByteArrayInputStream(large), 1000, part);
        assertThat(part.toByteArray()).isEqualTo(Arrays.copyOf(large, 1000));

        ByteArrayOutputStream shortStream = new ByteArrayOutputStream();
        DownloadBody.fromStream(new ByteArrayInputStream(large, 0, 10), 1000, shortStream);
        assertThat(shortStream.toByteArray()).as("a stream that ends early").isEqualTo(Arrays.copyOf(large, 10));
    }

    /** Hands out at most 1000 bytes per read, as a network stream may. */
    private static final class TrickleStream extends ByteArrayInputStream {
        TrickleStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1000));
        }
    }

    @Test
    void nothing_is_read_from_a_stream_for_an_empty_range() throws Exception {
        InputStream untouchable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read");
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DownloadBody.fromStream(untouchable, 0, out);
        assertThat(out.size()).isZero();
    }
}
