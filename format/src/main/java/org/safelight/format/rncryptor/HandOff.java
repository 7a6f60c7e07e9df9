package org.safelight.format.rncryptor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * A second thread fed by the caller through a few reused buffers: the caller takes a free buffer,
 * fills it, submits it; the worker processes it and gives it back. So one pass of encrypt-then-MAC
 * runs on another core while the caller does the other, with memory fixed at {@code buffers} arrays.
 *
 * <p>One producer thread only. A failure of the worker surfaces in the caller's next {@link #take},
 * {@link #submit} or {@link #finish}, and in every one after it (it is sticky, so a caller that goes on
 * after the first exception never waits for a buffer that cannot come); {@link #close} without
 * {@code finish} abandons the rest and waits for the worker to stop, so nothing runs on after a failure.
 *
 * @param <B> the buffers: byte arrays for the crypto passes, aligned direct buffers for
 *     {@link PendingFile}'s disk writes
 */
final class HandOff<B> implements AutoCloseable {
    /** What the worker does with each buffer, in order. */
    interface Work<B> {
        void accept(B buffer, int length) throws IOException;
    }

    private record Chunk(Object buffer, int length) {
    }

    private static final Chunk END = new Chunk(null, 0);
    private static final Chunk ABANDON = new Chunk(null, 0);
    private static final Object FAILED = new Object();

    /** Free buffers, and {@link #FAILED} once the worker failed. */
    private final BlockingQueue<Object> free;
    private final BlockingQueue<Chunk> full;
    private final Work<B> work;
    private final Thread thread;
    private volatile Throwable failure;
    private boolean ended;

    /** A worker with {@code buffers} byte arrays of {@code size} bytes. */
    static HandOff<byte[]> ofArrays(String name, int buffers, int size, Work<byte[]> work) {
        return new HandOff<>(name, buffers, () -> new byte[size], work);
    }

    HandOff(String name, int buffers, Supplier<B> newBuffer, Work<B> work) {
        this.free = new ArrayBlockingQueue<>(buffers + 1);
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(newBuffer.get());
        }
        this.work = work;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    @SuppressWarnings("unchecked") // only B's are ever submitted
    private void run() {
        try {
            for (Chunk c; (c = full.take()) != ABANDON; ) {
                if (c == END) {
                    return;
                }
                work.accept((B) c.buffer(), c.length());
                free.put(c.buffer());
            }
        } catch (Throwable t) {
            failure = t;
            free.clear();
            free.offer(FAILED); // wakes the caller if it waits for a buffer
        }
    }

    /** A free buffer, waiting for the worker to give one back. */
    @SuppressWarnings("unchecked") // the free queue holds B's and FAILED
    B take() throws IOException {
        if (failure != null) {
            rethrow();
        }
        Object b = takeFrom(free);
        if (b == FAILED) {
            free.offer(FAILED); // for anyone who gets past the check above in a race
            rethrow();
        }
        return (B) b;
    }

    /** Hands {@code buffer[0, length)} to the worker; the buffer is not the caller's any more. */
    void submit(B buffer, int length) throws IOException {
        if (failure != null) {
            rethrow();
        }
        full.add(new Chunk(buffer, length)); // never full: there are only so many buffers
    }

    /** Waits until the worker has processed everything; throws its failure. */
    void finish() throws IOException {
        if (!ended) {
            ended = true;
            full.add(END);
        }
        join();
        if (failure != null) {
            rethrow();
        }
    }

    @Override
    public void close() {
        if (!ended) {
            ended = true;
            full.clear();
            full.add(ABANDON);
            join();
        }
    }

    private void join() {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t instanceof IOException e) {
            throw e;
        }
        if (t instanceof UncheckedIOException e) {
            throw e.getCause();
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new InterruptedIOException("the " + thread.getName() + " thread was interrupted");
    }

    private static <T> T takeFrom(BlockingQueue<T> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a buffer");
        }
    }
}
