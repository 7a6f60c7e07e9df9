package org.safelight.keys.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's one writer: a daemon thread that takes whatever entries have queued up while it
 * was committing the previous batch, appends them in one transaction, and only then completes their
 * futures. Under load many requests share one commit (and one fsync); alone, a request waits for
 * exactly its own. When a batch fails, every entry in it fails; nothing is retried behind the
 * callers' backs. Thread-safe.
 *
 * <p>A batch is what queued while the previous one was being committed: the writer takes it at once
 * and does not wait for more. (A 0.5 ms wait for company under load was tried and removed: with 32
 * fetches in flight on two cores the fetch is held back by the commit cycle, not by CPU, and the
 * wait made each cycle longer: without it 14,500-15,200 fetches/s against 12,200-13,500, and no
 * more CPU a fetch; bench/RESULTS.md, fourth round.)
 *
 * <p>On SQLite the commit does not checkpoint the write-ahead log ({@link AuditStore#append}); the
 * writer does, at most every {@link #CHECKPOINT_NANOS}, after it has handed a committed batch to the
 * answer thread, so no answer waits for it, and only when no entry is queued, so no waiting fetch
 * does either (one arriving during the checkpoint still does). Under a load that never empties the
 * queue it is put off at most {@link #CHECKPOINT_POSTPONE_NANOS}: the log grows meanwhile. Not on a
 * thread of its own: a checkpoint beside a busy writer rarely finds the log all copied when the next
 * commit begins, so SQLite would never start the log file over. A failed checkpoint is logged and
 * tried again later: the events it concerns are durable in the log already.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 512;
    /**
     * Appends waiting at most; past that an append fails at once ("overloaded", 503). Key fetches
     * wait suspended (not on a thread, see {@link AuditLog#appendLater}), so this bound, not the
     * server's thread pool, caps how many requests and their buffers a flood can pile up.
     */
    private static final int MAX_QUEUED = 4_096;
    /** The least time between two checkpoints by the writer. */
    static final long CHECKPOINT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** How long past its time a checkpoint waits for an empty queue at most. */
    static final long CHECKPOINT_POSTPONE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Pending(AuditStore.Proposed proposed, CompletableFuture<AuditEvent> done) {
    }

    /** Put on the queue by {@link #close()}: the writer commits what came before it and stops. */
    private static final Pending STOP = new Pending(null, null);

    private final AuditStore store;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Runnable checkpoint;
    private final long checkpointNanos;
    private long lastCheckpoint;
    private final Thread thread;
    /**
     * Completes the futures of each committed batch (one task per batch), so that what callers chain
     * to them runs there and never holds up the next commit: one thread, woken about once per batch.
     */
    private final ExecutorService answers = Executors.newSingleThreadExecutor(runnable -> {
        Thread answering = new Thread(runnable, "safelight-audit-answers");
        answering.setDaemon(true);
        return answering;
    });
    private volatile boolean closed;

    GroupCommitWriter(AuditStore store, Clock clock) {
        this(store, clock, store::checkpoint);
    }

    /** Same, with the checkpoint run after committed batches (tests make it fail). */
    GroupCommitWriter(AuditStore store, Clock clock, Runnable checkpoint) {
        this(store, clock, checkpoint, CHECKPOINT_NANOS);
    }

    /** Same, with the least time between two checkpoints (tests: 0, after every batch). */
    GroupCommitWriter(AuditStore store, Clock clock, Runnable checkpoint, long checkpointNanos) {
        this.checkpointNanos = checkpointNanos;
        this.lastCheckpoint = System.nanoTime() - checkpointNanos;
        this.store = store;
        this.clock = clock;
        this.checkpoint = checkpoint;
        this.thread = new Thread(this::run, "safelight-audit-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Appends queued for the next batch (not those of the batch being committed). */
    int waiting() {
        return queue.size();
    }

    /** Whether appends are taken: started, and neither closed nor stopped by a failure. */
    boolean running() {
        return !closed && thread.isAlive();
    }

    /**
     * Queues the entry; the future completes once it is committed (on the answer thread), or fails
     * if it is not.
     */
    CompletableFuture<AuditEvent> submit(AuditEntry entry, InTransaction work) {
        CompletableFuture<AuditEvent> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new AuditUnavailableException("the audit log is closed"));
            return done;
        }
        Pending pending = new Pending(new AuditStore.Proposed(entry, work), done);
        if (!queue.offer(pending)) {
            done.completeExceptionally(new AuditUnavailableException("the audit log is overloaded"));
            return done;
        }
        if (closed && queue.remove(pending)) {
            // close() raced our offer and may have already drained the queue: nobody would take it.
            done.completeExceptionally(new AuditUnavailableException("the audit log is closed"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stop = false;
        try {
            while (!stop) {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                stop = batch.removeIf(p -> p == STOP);
                write(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
            if (!stop) {
                LOG.error("the audit writer stopped unexpectedly; appends now fail until restart");
            }
            failOnAnswerThread(batch, "the audit log is closed");
            failQueued("the audit log is closed");
        }
    }

    private void write(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<AuditStore.Proposed> entries = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            entries.add(p.proposed());
        }
        List<AuditEvent> events;
        try {
            events = store.append(entries, Instant.ofEpochMilli(clock.millis()));
        } catch (RuntimeException e) {
            // The exception's message may quote bound values (emails): log its kind only.
            LOG.error("audit batch of {} events not committed: {}", batch.size(), kind(e));
            failOnAnswerThread(batch, "the audit log could not be written (" + kind(e) + ")");
            return;
        }
        // One hand-over per batch, not per entry: the answer thread completes the whole batch, and
        // what callers chained to their futures (writing the HTTP answers) runs there, in order.
        List<Pending> committed = List.copyOf(batch);
        try {
            answers.execute(() -> {
                for (int i = 0; i < committed.size(); i++) {
                    committed.get(i).done().complete(events.get(i));
                }
            });
        } catch (RejectedExecutionException e) {
            // Closing: nobody is left to answer; callers see a failure, never a key (fail closed).
            fail(committed, "the audit log is closed");
        }
        checkpointIfDue();
    }

    /** After the batch's answers are on their way; its events are durable whatever happens here. */
    private void checkpointIfDue() {
        long now = System.nanoTime();
        long since = now - lastCheckpoint;
        if (since < checkpointNanos || !queue.isEmpty() && since < checkpointNanos + CHECKPOINT_POSTPONE_NANOS) {
            return;
        }
        lastCheckpoint = now;
        try {
            checkpoint.run();
        } catch (RuntimeException e) {
            LOG.warn("audit log checkpoint failed, tried again later: {}", kind(e));
        }
    }

    private static String kind(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " <- "
                + root.getClass().getSimpleName();
    }

    /**
     * Fails the batch's futures on the answer thread, like a committed batch's, so that what callers
     * chained (their 503 answers) never runs on the writer; here only when that thread is shut down.
     */
    private void failOnAnswerThread(List<Pending> batch, String why) {
        List<Pending> failed = List.copyOf(batch);
        try {
            answers.execute(() -> fail(failed, why));
        } catch (RejectedExecutionException e) {
            fail(failed, why);
        }
    }

    private static void fail(List<Pending> batch, String why) {
        for (Pending p : batch) {
            if (p != STOP) {
                p.done().completeExceptionally(new AuditUnavailableException(why));
            }
        }
    }

    private void failQueued(String why) {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        failOnAnswerThread(left, why);
    }

    /** Commits what is queued, stops the thread (waiting up to 10 s) and fails anything later. */
    @Override
    public void close() {
        closed = true;
        try {
            if (thread.isAlive() && queue.offer(STOP, 10, TimeUnit.SECONDS)) {
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued("the audit log is closed");
        // After the writer: the answers of the last batch are queued already and still run; later
        // ones are rejected, which fails their stage (no answer is sent without its commit).
        answers.shutdown();
    }
}
