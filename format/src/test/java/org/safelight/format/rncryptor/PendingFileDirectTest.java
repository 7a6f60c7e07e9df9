package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PendingFile} written around the page cache ({@code O_DIRECT}) gives exactly the bytes it was
 * given, at every boundary of the aligned blocks and of its staging buffers; through the page cache the
 * same; and a failed write around the cache surfaces without hanging and leaves the target as it was.
 * Where the test's file system refuses {@code O_DIRECT} (so {@link PendingFile} goes through the page
 * cache, tested below) the tests of writing around it are skipped.
 */
class PendingFileDirectTest {
    private static final int STAGE = DirectWrites.STAGE;

    /**
     * Under {@code target/}, on the checkout's file system: the system's temporary folder is often a
     * tmpfs, which took {@code O_DIRECT} only from Linux 6.6.
     */
    private Path dir;

    @BeforeEach
    void folder() throws IOException {
        Path build = Files.createDirectories(Path.of("target", "direct-writes"));
        dir = Files.createTempDirectory(build, "test").toAbsolutePath();
    }

    @AfterEach
    void removeFolder() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static IntStream sizes() {
        return IntStream.of(0, 1, 511, 512, 4095, 4096, 4097, STAGE - 1, STAGE, STAGE + 1, 2 * STAGE + 4097);
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void where_the_file_system_allows_it_the_file_is_written_around_the_page_cache_byte_for_byte(int size)
            throws Exception {
        assumeTrue(directIoWorksIn(dir), "the file system of " + dir + " refuses O_DIRECT");
        byte[] data = data(size);
        Path target = dir.resolve("out.bin");
        try (PendingFile file = new PendingFile(target)) {
            assertThat(file.writesDirect()).isTrue();
            writeInOddPieces(file, data);
            file.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(partials()).isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void through_the_page_cache_the_file_is_the_same(int size) throws Exception {
        byte[] data = data(size);
        Path target = dir.resolve("out.bin");
        try (PendingFile file = new PendingFile(target, false)) {
            assertThat(file.writesDirect()).isFalse();
            writeInOddPieces(file, data);
            file.commit();
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(partials()).isEmpty();
    }

    @Test
    void a_write_around_the_page_cache_that_fails_surfaces_and_leaves_the_existing_target_untouched() throws Exception {
        assumeTrue(directIoWorksIn(dir), "the file system of " + dir + " refuses O_DIRECT");
        Path target = Files.write(dir.resolve("out.bin"), "what was there".getBytes());
        byte[] data = data(3 * STAGE + 5);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (PendingFile file = new PendingFile(target)) {
                assertThat(file.writesDirect()).isTrue();
                file.breakDirectWritesForTest(); // the writing thread's next write fails, as on a full disk
                assertThatThrownBy(() -> {
                    writeInOddPieces(file, data);
                    file.commit();
                }).isInstanceOf(IOException.class);
                // Sticky: a caller that carries on gets the failure again instead of waiting for a buffer.
                assertThatThrownBy(() -> file.write(data, 0, STAGE)).isInstanceOf(IOException.class);
            }
        });
        assertThat(Files.readString(target)).isEqualTo("what was there");
        assertThat(partials()).isEmpty();
    }

    @Test
    void a_staging_buffer_is_exactly_one_stage_whether_or_not_its_memory_starts_on_a_block() {
        int align = 4096;
        ByteBuffer raw = ByteBuffer.allocateDirect(DirectWrites.STAGE + 3 * align);
        ByteBuffer onABlock = raw.alignedSlice(align); // starts on a block, with room for more than a stage
        assertThat(onABlock.capacity()).isGreaterThan(DirectWrites.STAGE);
        ByteBuffer offABlock = raw.alignedSlice(align).position(1).slice();
        for (ByteBuffer memory : List.of(onABlock, offABlock)) {
            ByteBuffer stage = DirectWrites.stage(memory, align);
            assertThat(stage.capacity()).isEqualTo(DirectWrites.STAGE);
            assertThat(stage.alignmentOffset(0, align)).isZero();
        }
    }

    @Test
    void a_file_size_limit_reached_half_way_is_reported_as_such_and_the_existing_target_is_kept() throws Exception {
        assumeTrue(directIoWorksIn(dir), "the file system of " + dir + " refuses O_DIRECT");
        Path target = Files.write(dir.resolve("out.bin"), "what was there".getBytes());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // 10,000 KiB: the write that reaches the limit is cut short on a block, the next one fails with
        // EFBIG, as a full disk's would with ENOSPC. (The JVM ignores SIGXFSZ, so the write returns the error.)
        Process child = new ProcessBuilder("bash", "-c", "ulimit -f 10000 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\" \"$4\"",
                java, System.getProperty("java.class.path"), DirectWriteChild.class.getName(), target.toString(),
                Long.toString(3L * DirectWrites.STAGE))
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("direct=true").contains("failed: java.io.IOException: File too large")
                .doesNotContain("committed");
        assertThat(child.exitValue()).as(output).isEqualTo(3);
        assertThat(Files.readString(target)).isEqualTo("what was there");
        assertThat(partials()).isEmpty();
    }

    private static void writeInOddPieces(PendingFile file, byte[] data) throws IOException {
        for (int off = 0, len; off < data.length; off += len) {
            len = Math.min(100_003, data.length - off);
            file.write(data, off, len);
        }
    }

    private static boolean directIoWorksIn(Path folder) throws IOException {
        Path probe = Files.createTempFile(folder, "probe", ".bin");
        try {
            FileChannel.open(probe, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT).close();
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.delete(probe);
        }
    }

    private List<Path> partials() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
        }
    }

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
