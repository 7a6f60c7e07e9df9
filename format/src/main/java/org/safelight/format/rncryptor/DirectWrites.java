package org.safelight.format.rncryptor;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writing a new file around the page cache ({@code O_DIRECT}) for {@link PendingFile}: the caller's
 * bytes are gathered in {@value #STAGE}-byte direct buffers aligned to the file system's block, and a
 * second thread writes each full one at its place while the caller fills the next. The last bytes
 * are zero-padded to a whole block and the file is then cut to its length.
 *
 * <p>A failure of the writing thread (a full disk) surfaces in the next {@link #write} or in
 * {@link #finish}, and stays. A short write (the disk took part of a buffer) is retried from its last
 * whole block, so the error that stops it is the disk's own.
 *
 * <p>Whether a folder's file system takes {@code O_DIRECT} is found once per file system, by writing
 * one block to a throw-away file: {@link #worksIn}. (The JDK sets {@code O_DIRECT} after opening the
 * file, and some file systems take the flag only to refuse the first write.)
 */
final class DirectWrites implements AutoCloseable {
    /** Bytes per write: large enough that the disk runs near its speed. */
    static final int STAGE = 8 << 20;
    private static final int STAGES = 2;
    /** Per file system: its block size where {@code O_DIRECT} works, 0 where it does not. */
    private static final Map<FileStore, Integer> ALIGNMENT = new ConcurrentHashMap<>();

    private final FileChannel channel;
    private final int align;
    private final HandOff<ByteBuffer> writer;
    /** Bytes the writing thread has written, read after {@link HandOff#finish}. */
    private long writtenByWriter;
    /** Bytes handed to the writing thread. */
    private long submitted;
    /** The buffer being filled, or null. */
    private ByteBuffer stage;

    /** Writes through {@code channel}, opened with {@code O_DIRECT} on a file system of block {@code align}. */
    DirectWrites(FileChannel channel, int align) {
        this.channel = channel;
        this.align = align;
        this.writer = new HandOff<>("safelight-write", STAGES,
                () -> stage(ByteBuffer.allocateDirect(STAGE + align), align), this::writeOut);
    }

    /**
     * The block size {@code O_DIRECT} writes must be aligned to in {@code folder}, or 0 where the file
     * system refuses them (or has blocks this class cannot stage).
     */
    static int worksIn(Path folder) {
        FileStore store;
        try {
            store = Files.getFileStore(folder);
        } catch (IOException e) {
            return 0;
        }
        return ALIGNMENT.computeIfAbsent(store, s -> probe(s, folder));
    }

    private static int probe(FileStore store, Path folder) {
        long block;
        try {
            block = store.getBlockSize();
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
        if (block <= 0 || block > STAGE || Long.bitCount(block) != 1) {
            return 0;
        }
        Path probe = folder.resolve(".safelight-direct-probe." + PendingFile.randomHex());
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect((int) block * 2).alignedSlice((int) block).limit((int) block);
            while (zeros.hasRemaining()) {
                if (channel.write(zeros, zeros.position()) <= 0) {
                    return 0;
                }
            }
            return (int) block;
        } catch (IOException | UnsupportedOperationException | OutOfMemoryError e) {
            return 0; // EINVAL on tmpfs before Linux 6.6, no O_DIRECT on this system, no direct memory left
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // a zero-filled file of one block, in a folder we may write to: nothing more to do
            }
        }
    }

    /**
     * A staging buffer from {@code raw} (of at least {@value #STAGE} + {@code align} bytes): its
     * {@value #STAGE} bytes from the first aligned address, and exactly those, whatever the
     * address {@code raw} happens to start at.
     */
    static ByteBuffer stage(ByteBuffer raw, int align) {
        return raw.alignedSlice(align).slice(0, STAGE);
    }

    /** On the writing thread: {@code buffer[0, length)}, {@code length} a multiple of the block, at its place. */
    private void writeOut(ByteBuffer buffer, int length) throws IOException {
        buffer.position(0).limit(length);
        while (buffer.hasRemaining()) {
            int n = channel.write(buffer, writtenByWriter);
            int whole = n - n % align;
            if (whole == 0) {
                throw new IOException("the disk took " + Math.max(n, 0) + " of " + (buffer.remaining() + n)
                        + " bytes: it may be full");
            }
            buffer.position(buffer.position() - (n - whole)); // a part block: written again from its start
            writtenByWriter += whole;
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (stage == null) {
                stage = writer.take().clear();
            }
            int n = Math.min(len, stage.remaining());
            stage.put(b, off, n);
            off += n;
            len -= n;
            if (!stage.hasRemaining()) {
                submit(stage.position());
            }
        }
    }

    private void submit(int length) throws IOException {
        writer.submit(stage, length);
        submitted += length;
        stage = null;
    }

    /**
     * Writes what is gathered, the last block zero-padded, waits for the writing thread and cuts the
     * file to {@code length}, the number of bytes given to {@link #write}. The channel stays open.
     */
    void finish(long length) throws IOException {
        if (stage != null && stage.position() > 0) {
            int gathered = stage.position();
            int padded = (gathered + align - 1) / align * align;
            while (stage.position() < padded) {
                stage.put((byte) 0);
            }
            submit(padded);
        }
        writer.finish();
        if (writtenByWriter != submitted || submitted - length < 0 || submitted - length >= align) {
            throw new IOException("writing around the page cache lost track: " + writtenByWriter + " written, "
                    + submitted + " handed over for " + length + " bytes");
        }
        channel.truncate(length);
    }

    /** Without {@link #finish}: stops the writing thread (the caller closes the channel). */
    @Override
    public void close() {
        writer.close();
    }
}
