package org.safelight.format.seal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.safelight.format.media.MalformedMediaException;
import org.safelight.format.media.Photos;
import org.safelight.format.media.Thumbnails;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;

/**
 * The per-item work of sealing, on a small pool of threads: the thumbnails, then the stripped
 * copies of the photos, a few items ahead of the thread writing the package. Results are handed
 * out in the draft's order whatever order they finish in, so the package's bytes are those of a
 * serial run, and the first failure in that order is the one reported, naming its file.
 *
 * <p>Memory stays bounded by the pool, not by the draft: each thread holds one photo file (up to
 * {@link #IN_MEMORY_LIMIT}; larger ones are decoded from a temp file) and one image at 1/8 scale
 * while it makes a thumbnail, and at most {@code threads + 1} stripped photos, of at most
 * {@link #BYTES_AHEAD} bytes together, wait for the writer; larger photos are stripped by the
 * writer itself, streaming. Not thread-safe: one writer thread uses it; close it when done (closing
 * cancels what is left, e.g. after a failure).
 */
final class MediaWork implements AutoCloseable {
    /** Photos larger than this are not copied into memory: the writer strips them into the package itself. */
    static final long IN_MEMORY_LIMIT = Thumbnails.IN_MEMORY_LIMIT;
    /** At most this many bytes of photo files are stripped ahead of the writer (at least one photo is). */
    static final long BYTES_AHEAD = 64L << 20;

    private final Draft draft;
    private final int threads;
    private final long inMemoryLimit;
    private final long bytesAheadLimit;
    private final ExecutorService pool;
    private final Map<ItemId, Future<byte[]>> thumbnails = new LinkedHashMap<>();
    private final Deque<Copy> copiesAhead = new ArrayDeque<>();
    private final List<MediaItem> photosToCopy = new ArrayList<>();
    private int nextCopy;
    private long bytesAhead;
    private long mostBytesAhead;

    /** A photo's copy on its way: {@code bytes} null when the writer strips it itself (a large photo). */
    private record Copy(MediaItem item, long size, Future<StrippedPhoto> bytes) {
    }

    /** A photo's stripped copy: the first {@code length} bytes of {@code bytes}, and their CRC-32. */
    record StrippedPhoto(byte[] bytes, int length, long crc) {
    }

    /** Lends its array: the copy is handed on as it is, not copied once more into an array of its size. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    /** Starts the thumbnails of every item at once; they run {@code threads} at a time. */
    MediaWork(Draft draft, int threads) {
        this(draft, threads, IN_MEMORY_LIMIT, BYTES_AHEAD);
    }

    MediaWork(Draft draft, int threads, long inMemoryLimit, long bytesAheadLimit) {
        this.draft = draft;
        this.threads = Math.max(1, threads);
        this.inMemoryLimit = inMemoryLimit;
        this.bytesAheadLimit = bytesAheadLimit;
        AtomicInteger number = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, task -> {
            Thread t = new Thread(task, "seal-media-" + number.incrementAndGet());
            t.setDaemon(true); // a CLI that fails must not wait for thumbnails nobody will read
            return t;
        });
        try {
            for (MediaItem item : draft.metadata().media()) {
                Path file = draft.mediaFiles().get(item.id());
                thumbnails.put(item.id(), pool.submit(() -> switch (item.type()) {
                    case PHOTO -> Thumbnails.photo(file);
                    case VIDEO -> Thumbnails.video(file);
                    case AUDIO -> Thumbnails.audio(file);
                }));
                if (item.type() == MediaItem.MediaType.PHOTO) {
                    photosToCopy.add(item);
                }
            }
        } catch (RuntimeException | Error e) {
            // nobody will close what was not constructed: stop the threads here
            pool.shutdownNow();
            throw e;
        }
    }

    /** The number of threads to use on this machine: one per core. */
    static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Every item's thumbnail, in the draft's order; waits for them. */
    Map<ItemId, byte[]> thumbnails() throws IOException {
        Map<ItemId, byte[]> done = new LinkedHashMap<>();
        for (Map.Entry<ItemId, Future<byte[]>> e : thumbnails.entrySet()) {
            done.put(e.getKey(), result(e.getValue(), draft.mediaFiles().get(e.getKey())));
        }
        // the thumbnails are done, so the pool is free to strip the first photos ahead of the writer
        fillAhead();
        return done;
    }

    /**
     * The stripped copy of the next photo in the draft's order ({@code item} must be that photo), or
     * null when it is larger than the in-memory limit: the caller then strips the file itself,
     * streaming. Call after {@link #thumbnails()}.
     */
    StrippedPhoto strippedPhoto(MediaItem item) throws IOException {
        Copy copy = copiesAhead.poll();
        if (copy == null || copy.item() != item) {
            throw new IllegalStateException("photos are copied in the draft's order, after the thumbnails");
        }
        bytesAhead -= copy.size();
        fillAhead();
        return copy.bytes() == null ? null : result(copy.bytes(), draft.mediaFiles().get(item.id()));
    }

    /**
     * Starts stripping the next photos, at most {@code threads + 1} of them and, by their files'
     * sizes, at most the bytes limit (but always the next one): a draft of large scans must not
     * hold several of them in memory at once.
     */
    private void fillAhead() {
        while (copiesAhead.size() <= threads && nextCopy < photosToCopy.size()) {
            MediaItem item = photosToCopy.get(nextCopy);
            Path file = draft.mediaFiles().get(item.id());
            long size = sizeOf(file);
            if (size > inMemoryLimit) {
                copiesAhead.add(new Copy(item, 0, null));
            } else if (bytesAhead > 0 && bytesAhead + size > bytesAheadLimit) {
                return;
            } else {
                bytesAhead += size;
                mostBytesAhead = Math.max(mostBytesAhead, bytesAhead);
                copiesAhead.add(new Copy(item, size, pool.submit(strip(file))));
            }
            nextCopy++;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // the copy task fails with the real error, in its turn in the draft's order
        }
    }

    /** The most bytes of photo files that were ever stripped ahead of the writer at once (for tests). */
    long mostBytesAhead() {
        return mostBytesAhead;
    }

    /**
     * The photo at {@code file} without its identifying metadata ({@link Photos#stripMetadata}), with its
     * CRC-32 for the package's stored entry: computed here, on the pool, rather than by the writer.
     */
    static Callable<StrippedPhoto> strip(Path file) {
        return () -> {
            Buffer bytes = new Buffer((int) Math.min(Files.size(file) + 64, 1 << 30));
            try (InputStream in = Files.newInputStream(file)) {
                Photos.stripMetadata(in, bytes);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.array(), 0, bytes.size());
            return new StrippedPhoto(bytes.array(), bytes.size(), crc.getValue());
        };
    }

    /**
     * A task's result, or its failure as the serial code would have thrown it, naming the file. On
     * the first failure every other task is cancelled: the seal has failed, their work is wasted.
     */
    private <T> T result(Future<T> task, Path file) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sealing");
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            if (cause instanceof MalformedMediaException m) {
                throw Sealer.naming(file, m);
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    /** Whether the pool has been stopped (closed, or by a failure). */
    boolean stopped() {
        return pool.isShutdown();
    }

    @Override
    public void close() {
        for (Future<byte[]> f : thumbnails.values()) {
            f.cancel(true);
        }
        for (Copy c : copiesAhead) {
            if (c.bytes() != null) {
                c.bytes().cancel(true);
            }
        }
        pool.shutdownNow();
    }
}
