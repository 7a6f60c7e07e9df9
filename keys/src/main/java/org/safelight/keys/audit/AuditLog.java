package org.safelight.keys.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;

/**
 * The key server's append-only audit trail (DESIGN §5): every key issued, fetched or denied, every
 * revocation and every look at a report's accesses is one event, chained by HMAC-SHA256 under a
 * {@link ChainKey} derived from the master key (see {@link ChainHash}) and stored with a one-row head
 * in the {@code keys} role's tables, so an edited, deleted, inserted or truncated event is found by
 * {@link #verify()}, and whoever can write the database but not read the master key cannot
 * recompute the chain after an edit. Readers ({@link #eventsFor}, {@link #recorded}, {@link #export})
 * see only the events in the chain (numbered 1 to the head), which is what {@code verify} walks.
 *
 * <p>{@link #append} returns only once the event is committed (fail closed: callers act on nothing
 * before that). Appends from many threads are group-committed by one daemon writer thread, started
 * on the first append; {@link #close()} stops it. Reading ({@link #verify()}, {@link #export},
 * {@link #eventsFor}) starts no thread, so an operator's tool can simply do
 * {@code new AuditLog(database, chainKey, clock).verify()} on the server's database. Thread-safe.
 *
 * <p>The tables come from the {@code keys} migrations: {@code database.migrate("keys")} first.
 */
public final class AuditLog implements AutoCloseable {
    /** How long an append waits for its commit before reporting the log unavailable. */
    static final long APPEND_TIMEOUT_SECONDS = 30;
    /** The timer of {@link #append}: from submitting an event until it is durable or the append failed. */
    public static final String COMMIT_TIMER = "safelight.audit.commit";

    private final AuditStore store;
    private final Clock clock;
    private final Timer commits;
    private volatile GroupCommitWriter writer;
    private volatile boolean closed;

    /** A log whose appends are timed on a private registry (the operator's tools, tests). */
    public AuditLog(Database database, ChainKey key, Clock clock) {
        this(database, key, clock, new SimpleMeterRegistry());
    }

    /**
     * @param metrics where {@value #COMMIT_TIMER} is registered (rendered by Prometheus as
     *                {@code safelight_audit_commit_seconds}, with a histogram for quantiles)
     */
    public AuditLog(Database database, ChainKey key, Clock clock, MeterRegistry metrics) {
        this.store = new AuditStore(database, key);
        this.clock = clock;
        this.commits = Timer.builder(COMMIT_TIMER)
                .description("time from submitting an audit event until it is committed (or the append failed)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(APPEND_TIMEOUT_SECONDS))
                .register(metrics);
    }

    /**
     * Appends the event and waits until it is durable.
     *
     * @return the event as committed, with its number, time and hash
     * @throws AuditUnavailableException when it could not be committed (the database failed, the log
     *     is closed, or the commit took longer than 30 s); the event may or may not be recorded then,
     *     so the caller must act as if the request was refused
     */
    public AuditEvent append(AuditEntry entry) {
        return append(entry, InTransaction.AS_PROPOSED);
    }

    /**
     * Appends the entry that {@code work} settles on inside the log's transaction (see
     * {@link InTransaction}), committing whatever {@code work} changed with it, and waits until it is
     * durable. The returned event says what was recorded: act on it, not on the entry proposed; it
     * is {@code null} when {@code work} settled on recording nothing.
     *
     * @throws AuditUnavailableException as {@link #append(AuditEntry)}, also when {@code work} failed
     */
    public AuditEvent append(AuditEntry entry, InTransaction work) {
        long start = System.nanoTime();
        try {
            return awaitCommit(writer().submit(entry, work));
        } finally {
            // Failures too: a commit that hangs until the timeout is exactly what an operator must see.
            commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Same as {@link #append(AuditEntry, InTransaction)} without blocking the caller: the returned
     * future completes with the event once it is durable, or fails with an
     * {@link AuditUnavailableException} (as its cause, when seen through a dependent stage) in every
     * case where {@code append} would throw, including the 30 s timeout. Once its batch is committed,
     * or has failed, it completes on the log's answer thread ({@code safelight-audit-answers}), never on
     * the writer's, so work chained to it (writing an HTTP answer) does not hold up the next commit (a
     * refusal known at once, or a batch done before the caller chained to it, runs on the caller's
     * thread; a timeout on the JDK's delay thread; a failure while the log closes on the closing one);
     * such work must be short and must not block. An answer written there must stay small (well under
     * Jetty's 32 KiB output aggregation buffer, as the key answer is), so that a client that never
     * reads cannot hold the answer thread: Jetty then completes the write with a callback instead of
     * blocking.
     */
    public CompletableFuture<AuditEvent> appendLater(AuditEntry entry, InTransaction work) {
        long start = System.nanoTime();
        CompletableFuture<AuditEvent> committed;
        try {
            committed = writer().submit(entry, work);
        } catch (AuditUnavailableException e) {
            commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return CompletableFuture.failedFuture(e);
        }
        // Not handleAsync: the writer completes a batch on the answer thread already, and a second
        // hand-over per entry would cost a queue operation and a wake-up per key fetch.
        return committed.orTimeout(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((event, failure) -> {
            commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (failure != null) {
                throw unavailable(failure);
            }
            return event;
        });
    }

    /** A fresh exception per caller (the writer's one is shared by the whole batch). */
    private static AuditUnavailableException unavailable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof TimeoutException) {
            return new AuditUnavailableException("the audit log did not commit within " + APPEND_TIMEOUT_SECONDS + " s");
        }
        return new AuditUnavailableException(cause.getMessage() == null ? "the audit log failed" : cause.getMessage());
    }

    private static AuditEvent awaitCommit(CompletableFuture<AuditEvent> committed) {
        try {
            return committed.get(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // A fresh exception per caller: the writer's one is shared by the whole batch.
            throw new AuditUnavailableException(e.getCause() == null ? "the audit log failed" : e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new AuditUnavailableException("the audit log did not commit within " + APPEND_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit log");
        }
    }

    /**
     * For readiness: returns when the log looks able to take an append, as far as can be told
     * without a lock or a write (anyone may ask, and often): the writer is running (or not yet
     * started), the database takes writes, the head is there, and the event it names is found with
     * the head's hash. Not proven: that the next commit will succeed (a full disk, a revoked
     * permission); such failures show as appends refused with {@code audit_unavailable}.
     *
     * @throws AuditUnavailableException saying what is wrong (no event data in the message)
     */
    public void checkWritable() {
        GroupCommitWriter started = writer;
        if (closed || started != null && !started.running()) {
            throw new AuditUnavailableException("the audit writer has stopped; appends fail until the server restarts");
        }
        store.probe();
    }

    /** The report's latest {@code limit} events, oldest first. */
    public List<AuditEvent> eventsFor(String reportId, int limit) {
        return store.forReport(reportId, null, limit);
    }

    /** The report's latest {@code limit} events by this actor (user id or {@code enterprise:<id>}), oldest first. */
    public List<AuditEvent> eventsFor(String reportId, String actorUserId, int limit) {
        return store.forReport(reportId, actorUserId, limit);
    }

    /** Whether the log records {@code action} with {@code outcome} by this user on this report. */
    public boolean recorded(String reportId, String actorUserId, AuditAction action, Outcome outcome) {
        return store.anyWith(reportId, actorUserId, action, outcome);
    }

    /**
     * Walks the whole chain: every event's hash against its contents and its predecessor, the
     * numbering for gaps, and the head against the last event. Problems read like
     * {@code event 17: its hash does not match its contents (edited?)},
     * {@code events 16 → 18: 17 is missing (deleted?)} or
     * {@code the head names 20 events but the log ends at 19}; rows outside the chain (past the
     * head, or more rows than events) are problems too.
     */
    public AuditVerification verify() {
        return new ChainVerifier(store).verify(null);
    }

    /**
     * Same, and the chain must still pass through {@code expect}, an anchor an earlier verify printed
     * and that was kept elsewhere: {@code event 12 is not the anchor 12:ab.. any more} otherwise.
     */
    public AuditVerification verify(AuditAnchor expect) {
        return new ChainVerifier(store).verify(expect);
    }

    /**
     * Writes every event of the chain (1 to the current head) as JSON lines, oldest first: {@code seq},
     * {@code time} (ISO-8601 UTC), {@code time_ms} (epoch milliseconds, as hashed),
     * {@code actor_user_id}, {@code actor_email}, {@code report_id}, {@code action}, {@code outcome},
     * {@code remote_address}, {@code hash}. Leaves {@code out} open.
     *
     * @return how many events were written
     */
    public long export(OutputStream out) throws IOException {
        ObjectMapper mapper = Json.MAPPER;
        // Only the chain: numbered 1 to the head, as verify walks it.
        long headSeq = store.head().map(AuditStore.Head::lastSeq).orElse(0L);
        long after = 0;
        long written = 0;
        while (true) {
            List<AuditEvent> page = store.page(after, headSeq, 1000);
            for (AuditEvent e : page) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("seq", e.seq());
                line.put("time", e.time().toString());
                line.put("time_ms", e.time().toEpochMilli());
                line.put("actor_user_id", e.actorUserId());
                line.put("actor_email", e.actorEmail());
                line.put("report_id", e.reportId());
                line.put("action", e.action());
                line.put("outcome", e.outcome());
                line.put("remote_address", e.remoteAddress());
                line.put("hash", e.hash());
                out.write(mapper.writeValueAsBytes(line));
                out.write('\n');
                written++;
                after = e.seq();
            }
            if (page.size() < 1000) {
                break;
            }
        }
        out.flush();
        return written;
    }

    /**
     * Records in the head, under the chain key, where keying began ({@code keyed_from}, see
     * {@link ChainHash#boundary}), unless it is recorded already; {@link #verify()} reports the chain
     * broken while events exist and it is not. The key server does this once per data folder, at its
     * first start on this version (see {@code KeyServer}), when the head still says what the
     * migration left; never call it on a database that may have been tampered with since, or it
     * would vouch for the tampered boundary.
     *
     * @return whether it was written now
     */
    public boolean authenticateBoundary() {
        return store.authenticateBoundary();
    }

    /** Appends waiting for the next group commit, for tests that gather several into one batch. */
    public int waiting() {
        GroupCommitWriter started = writer;
        return started == null ? 0 : started.waiting();
    }

    /** Commits what is queued, stops the writer; later appends fail. Reading still works. */
    @Override
    public void close() {
        GroupCommitWriter toClose;
        synchronized (this) {
            closed = true;
            toClose = writer;
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    private GroupCommitWriter writer() {
        GroupCommitWriter started = writer;
        return started != null ? started : start();
    }

    private synchronized GroupCommitWriter start() {
        if (closed) {
            throw new AuditUnavailableException("the audit log is closed");
        }
        if (writer == null) {
            GroupCommitWriter started = new GroupCommitWriter(store, clock);
            started.start(); // before it is published, so no reader finds a writer not yet running
            writer = started;
        }
        return writer;
    }
}
