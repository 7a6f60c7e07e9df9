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
 * <p>Memory stays bounded by the pool, not by the draft: each thread holds one photo file and one
 * image at 1/8 scale while it makes a thumbnail, and at most {@code threads + 1} stripped photos
 * wait for the writer. Not thread-safe: one writer thread uses it; close it when done (closing
 * cancels what is left, e.g. after a failure).
 */
final class MediaWork implements AutoCloseable {
    private final Draft draft;
    private final int threads;
    private final ExecutorService pool;
    private final Map<ItemId, Future<byte[]>> thumbnails = new LinkedHashMap<>();
    private final Deque<Future<byte[]>> copiesAhead = new ArrayDeque<>();
    private final List<MediaItem> photosToCopy = new ArrayList<>();
    private int nextCopy;

    /** Starts the thumbnails of every item at once; they run {@code threads} at a time. */
    MediaWork(Draft draft, int threads) {
        this.draft = draft;
        this.threads = Math.max(1, threads);
        AtomicInteger number = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, task -> {
            Thread t = new Thread(task, "seal-media-" + number.incrementAndGet());
            t.setDaemon(true); // a CLI that fails must not wait for thumbnails nobody will read
            return t;
        });
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
        while (copiesAhead.size() <= threads && nextCopy < photosToCopy.size()) {
            submitNextCopy();
        }
        return done;
    }

    /**
     * The stripped copy of the next photo in the draft's order ({@code item} must be that photo).
     * Call after {@link #thumbnails()}.
     */
    byte[] strippedPhoto(MediaItem item) throws IOException {
        Future<byte[]> copy = copiesAhead.poll();
        if (copy == null || photosToCopy.get(nextCopy - copiesAhead.size() - 1) != item) {
            throw new IllegalStateException("photos are copied in the draft's order, after the thumbnails");
        }
        if (nextCopy < photosToCopy.size()) {
            submitNextCopy();
        }
        return result(copy, draft.mediaFiles().get(item.id()));
    }

    private void submitNextCopy() {
        Path file = draft.mediaFiles().get(photosToCopy.get(nextCopy++).id());
        copiesAhead.add(pool.submit(strip(file)));
    }

    /** The photo at {@code file} without its identifying metadata ({@link Photos#stripMetadata}). */
    static Callable<byte[]> strip(Path file) {
        return () -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Files.size(file) + 64, 1 << 30));
            try (InputStream in = Files.newInputStream(file)) {
                Photos.stripMetadata(in, bytes);
            }
            return bytes.toByteArray();
        };
    }

    /** A task's result, or its failure as the serial code would have thrown it, naming the file. */
    private static byte[] result(Future<byte[]> task, Path file) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sealing");
        } catch (ExecutionException e) {
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

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
