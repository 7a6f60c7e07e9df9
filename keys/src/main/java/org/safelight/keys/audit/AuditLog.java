package org.safelight.keys.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;

/**
 * The key server's append-only audit trail (DESIGN §5): every key issued, fetched or denied, every
 * revocation and every look at a report's accesses is one event, chained by SHA-256 (see
 * {@link ChainHash}) and stored with a one-row head in the {@code keys} role's tables, so an edited,
 * deleted or truncated event is found by {@link #verify()}.
 *
 * <p>{@link #append} returns only once the event is committed (fail closed: callers act on nothing
 * before that). Appends from many threads are group-committed by one daemon writer thread, started
 * on the first append; {@link #close()} stops it. Reading ({@link #verify()}, {@link #export},
 * {@link #eventsFor}) starts no thread, so an operator's tool can simply do
 * {@code new AuditLog(database, clock).verify()} on the server's database. Thread-safe.
 *
 * <p>The tables come from the {@code keys} migrations: {@code database.migrate("keys")} first.
 */
public final class AuditLog implements AutoCloseable {
    /** How long an append waits for its commit before reporting the log unavailable. */
    static final long APPEND_TIMEOUT_SECONDS = 30;

    private final AuditStore store;
    private final Clock clock;
    private volatile GroupCommitWriter writer;
    private boolean closed;

    public AuditLog(Database database, Clock clock) {
        this.store = new AuditStore(database);
        this.clock = clock;
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
        CompletableFuture<AuditEvent> committed = writer().submit(entry);
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

    /** The report's latest {@code limit} events, oldest first. */
    public List<AuditEvent> eventsFor(String reportId, int limit) {
        return store.forReport(reportId, limit);
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
     * {@code the head names 20 events but the log ends at 19}.
     */
    public AuditVerification verify() {
        return new ChainVerifier(store).verify();
    }

    /**
     * Writes every event up to the current head as JSON lines, oldest first: {@code seq},
     * {@code time} (ISO-8601 UTC), {@code time_ms} (epoch milliseconds, as hashed),
     * {@code actor_user_id}, {@code actor_email}, {@code report_id}, {@code action}, {@code outcome},
     * {@code remote_address}, {@code hash}. Leaves {@code out} open.
     *
     * @return how many events were written
     */
    public long export(OutputStream out) throws IOException {
        ObjectMapper mapper = Json.MAPPER;
        long headSeq = store.head().map(AuditStore.Head::lastSeq).orElse(Long.MAX_VALUE);
        long after = Long.MIN_VALUE;
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
            writer = new GroupCommitWriter(store, clock);
            writer.start();
        }
        return writer;
    }
}
