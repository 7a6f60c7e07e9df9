package org.safelight.cloud;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Writes the bytes of a download to the response's output.
 *
 * <p>From a file (the folder store), the range is mapped read-only in pieces of at most
 * {@link #MAPPED_PIECE} and each mapped buffer goes to Jetty whole; Jetty writes a direct buffer
 * to the socket as it is, so the bytes go from the page cache to the socket without passing
 * through the heap (Jetty's own {@code DefaultServlet} serves files the same way with
 * {@code useFileMappedBuffer}). Copying through a {@code byte[]} cost three extra copies per byte
 * (file to a temporary direct buffer, to the array, back to a direct buffer) and, because Jetty
 * cuts an array write into blocking writes of its 32 KiB output buffer, eight round trips per
 * 128 KiB; that held downloads to about half of nginx's {@code sendfile}. A mapping is released
 * when its buffer is collected (Java 17 has no other way that is safe while Jetty may still hold
 * it); pieces of 1 GiB keep that to a few mappings per download, and the JDK collects and retries
 * when it runs out of them.
 *
 * <p>From a stream (the S3 store), the bytes go through one buffer of {@link #STREAM_BUFFER},
 * filled before each write and handed to Jetty as a buffer, so that Jetty writes it in one go.
 */
final class DownloadBody {
    /** A {@code ByteBuffer} holds at most 2 GiB - 1; larger files are mapped piece by piece. */
    static final long MAPPED_PIECE = 1L << 30;
    static final int STREAM_BUFFER = 256 * 1024;

    private DownloadBody() {
    }

    /**
     * Writes {@code [start, start + length)} of {@code file} to {@code out}.
     *
     * @param piece the largest region mapped at once ({@link #MAPPED_PIECE}; smaller in tests)
     * @throws EOFException when the file is shorter than the range (nothing is then written)
     * @throws IOException  when the client goes away or the file cannot be read
     */
    static void fromFile(FileChannel file, long start, long length, OutputStream out, long piece)
            throws IOException {
        if (piece <= 0 || piece > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a mapped piece is 1 byte to 2 GiB - 1");
        }
        if (start < 0 || length < 0 || start + length > file.size()) {
            throw new EOFException("the blob is shorter than the range asked for");
        }
        for (long done = 0; done < length; ) {
            long n = Math.min(piece, length - done);
            write(file.map(FileChannel.MapMode.READ_ONLY, start + done, n), out);
            done += n;
        }
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
