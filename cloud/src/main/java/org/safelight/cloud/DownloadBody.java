package org.safelight.cloud;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Writes the bytes of a download to the response's output.
 *
 * <p>From a file (the folder store), the range is read with positional reads into one direct
 * buffer of {@link #FILE_BUFFER}, and each buffer goes to Jetty whole, which writes a direct
 * buffer to the socket as it is: two copies per byte (page cache to the buffer, buffer to the
 * socket), the second from a buffer still in the CPU's cache. Copying through a {@code byte[]}
 * cost two more, and because Jetty cuts an array write into blocking writes of its 32 KiB output
 * buffer, eight round trips through Jetty per 128 KiB; that held downloads to about half of
 * nginx's {@code sendfile}. Mapping the file instead costs a page-table update per 4 KiB page and
 * an unmapping per download, which on this project's virtual machines made downloads slower, not
 * faster (bench/RESULTS.md).
 *
 * <p>Direct buffers are reused from a small pool ({@link #POOLED} at most), taken for one download
 * and given back after it: direct memory returns only when a GC collects its buffer, so a fresh one
 * per download let a burst of downloads run into {@code OutOfMemoryError: Direct buffer memory}
 * (certain under {@code -XX:+DisableExplicitGC}). Not Jetty's {@code ByteBufferPool}: its default
 * {@code ArrayByteBufferPool} keeps buffers of at most 64 KiB (16 x 4096, Jetty 12.1) and allocates
 * anything larger afresh, the same problem. Not one per thread either: with virtual threads
 * (ServerApp's opt-in) every request has its own thread. Only downloads beyond {@link #POOLED} at
 * the same moment allocate a buffer that GC frees. Jetty's blocking write returns only after the
 * bytes are consumed, so a buffer is free when it goes back.
 *
 * <p>From a stream (the S3 store), the bytes go through one buffer of {@link #STREAM_BUFFER},
 * filled before each write and handed to Jetty as a buffer, so that Jetty writes it in one go.
 */
final class DownloadBody {
    static final int FILE_BUFFER = 1 << 20;
    static final int STREAM_BUFFER = 256 * 1024;

    /** Direct buffers of {@link #FILE_BUFFER} kept between downloads (at most 16 MiB). */
    static final int POOLED = 16;
    private static final ArrayBlockingQueue<ByteBuffer> FILE_BUFFERS = new ArrayBlockingQueue<>(POOLED);

    private DownloadBody() {
    }

    private static ByteBuffer takeBuffer(int size) {
        ByteBuffer buffer = size == FILE_BUFFER ? FILE_BUFFERS.poll() : null;
        return buffer != null ? buffer : ByteBuffer.allocateDirect(size);
    }

    private static void giveBack(ByteBuffer buffer) {
        if (buffer.capacity() == FILE_BUFFER) {
            FILE_BUFFERS.offer(buffer); // dropped when the pool is full
        }
    }

    /**
     * Writes {@code [start, start + length)} of {@code file} to {@code out}, through a pooled direct buffer
     * of {@code bufferSize} bytes.
     *
     * @param bufferSize {@link #FILE_BUFFER}; smaller in tests
     * @throws EOFException when the file is shorter than the range (nothing is then written)
     * @throws IOException  when the client goes away or the file cannot be read
     */
    static void fromFile(FileChannel file, long start, long length, OutputStream out, int bufferSize)
            throws IOException {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("the buffer holds at least one byte");
        }
        if (start < 0 || length < 0 || start + length > file.size()) {
            throw new EOFException("the blob is shorter than the range asked for");
        }
        if (length == 0) {
            return;
        }
        ByteBuffer buffer = takeBuffer(bufferSize);
        for (long position = start, end = start + length; position < end; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = file.read(buffer, position);
            if (n < 0) {
                throw new EOFException("the blob ended early");
            }
            position += n;
            write(buffer.flip(), out);
        }
        // Not after a failure: a write the client broke off might still be referenced by Jetty, so
        // that buffer is left to GC (rare: aborted downloads) rather than reused.
        giveBack(buffer);
    }

    /** Writes at most {@code length} bytes of {@code in} to {@code out}; fewer if it ends sooner. */
    static void fromStream(InputStream in, long length, OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(STREAM_BUFFER, Math.max(1, length))];
        for (long done = 0; done < length; ) {
            int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, length - done));
            if (n == 0) {
                return;
            }
            write(ByteBuffer.wrap(buffer, 0, n), out);
            done += n;
        }
    }

    private static void write(ByteBuffer bytes, OutputStream out) throws IOException {
        if (out instanceof HttpOutput jetty) {
            jetty.write(bytes); // the whole buffer at once, past Jetty's aggregation buffer
            return;
        }
        WritableByteChannel channel = Channels.newChannel(out); // any other stream: copied, in chunks
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
