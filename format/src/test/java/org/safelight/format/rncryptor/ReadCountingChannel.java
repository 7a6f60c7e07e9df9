package org.safelight.format.rncryptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;

/**
 * A read-only {@link FileChannel} over another that counts the bytes read and can change what it
 * serves: after the last byte of the file was read once ({@link #swapAfterFirstFullRead}: a file
 * replaced once a first pass reached its end), or block forever from a position on
 * ({@link #stallFrom}: a slow disk, so a process can be stopped mid-way), or fail from a position
 * on ({@link #failFrom}: a disk error half way).
 */
final class ReadCountingChannel extends FileChannel {
    private final FileChannel delegate;
    private volatile byte[] replacement;
    private volatile boolean endReached;
    private volatile long stallFrom = Long.MAX_VALUE;
    private volatile long failFrom = Long.MAX_VALUE;
    private long bytesRead;

    ReadCountingChannel(FileChannel delegate) {
        this.delegate = delegate;
    }

    /** From the first read after the end of the file was read, serves {@code other} instead. */
    ReadCountingChannel swapAfterFirstFullRead(byte[] other) {
        this.replacement = other;
        return this;
    }

    ReadCountingChannel stallFrom(long position) {
        this.stallFrom = position;
        return this;
    }

    /** Reads reaching {@code position} or beyond fail, as a disk error would. */
    ReadCountingChannel failFrom(long position) {
        this.failFrom = position;
        return this;
    }

    synchronized long bytesRead() {
        return bytesRead;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position + dst.remaining() > failFrom) {
            throw new IOException("simulated read error at byte " + failFrom);
        }
        if (position >= stallFrom) {
            try {
                new CountDownLatch(1).await(); // never released: only a signal ends the process
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        int n;
        if (endReached && replacement != null) {
            if (position >= replacement.length) {
                return -1;
            }
            n = Math.min(dst.remaining(), (int) (replacement.length - position));
            dst.put(replacement, (int) position, n);
        } else {
            n = delegate.read(dst, position);
        }
        if (n > 0) {
            synchronized (this) {
                bytesRead += n;
            }
            if (position + n >= delegate.size()) {
                endReached = true;
            }
        }
        return n;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException("positional reads only");
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException("positional reads only");
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long position() {
        throw new UnsupportedOperationException("positional reads only");
    }

    @Override
    public FileChannel position(long newPosition) {
        throw new UnsupportedOperationException("positional reads only");
    }

    @Override
    public FileChannel truncate(long size) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void force(boolean metaData) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("not counted");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("not counted");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("no locks");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("no locks");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
