package org.safelight.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body written to a stream as it arrives, given up when nothing arrives for a while.
 * The HTTP client's own timeout covers only the start of an answer, not a body that stops
 * halfway. Bodies past {@code cap} bytes are cut there (for error answers, read as text).
 * The result is the number of bytes written.
 */
final class WatchedBody implements HttpResponse.BodySubscriber<Long> {
    private static final ScheduledExecutorService WATCHERS = watchers();

    private final OutputStream sink;
    private final long cap;
    private final long stallNanos;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private ScheduledFuture<?> watch;
    private long lastProgress;
    private long written;

    private static ScheduledExecutorService watchers() {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "download-stall-watch");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true); // a finished download's watch leaves the queue at once
        return pool;
    }

    WatchedBody(OutputStream sink, long cap, Duration stall) {
        this.sink = sink;
        this.cap = cap;
        this.stallNanos = stall.toNanos();
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        lastProgress = System.nanoTime();
        long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(stallNanos) / 4);
        watch = WATCHERS.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        try {
            for (ByteBuffer b : buffers) {
                int n = (int) Math.min(b.remaining(), cap - written);
                if (b.hasArray()) {
                    sink.write(b.array(), b.arrayOffset() + b.position(), n);
                } else {
                    byte[] copy = new byte[n];
                    b.get(copy);
                    sink.write(copy);
                }
                written += n;
            }
        } catch (IOException e) {
            stop(e);
            return;
        }
        lastProgress = System.nanoTime();
        if (written >= cap) {
            stop(null);
        } else {
            subscription.request(1);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        finish(t);
    }

    @Override
    public synchronized void onComplete() {
        finish(null);
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    private synchronized void check() {
        if (!result.isDone() && System.nanoTime() - lastProgress > stallNanos) {
            stop(new IOException("the download stalled: nothing arrived for "
                    + Duration.ofNanos(stallNanos).toSeconds() + " s"));
        }
    }

    /** Ends early: the connection is let go, and the result is the failure or what was written. */
    private void stop(Throwable failure) {
        subscription.cancel();
        finish(failure);
    }

    private void finish(Throwable failure) {
        if (watch != null) {
            watch.cancel(false);
        }
        if (failure == null) {
            result.complete(written);
        } else {
            result.completeExceptionally(failure);
        }
    }
}
