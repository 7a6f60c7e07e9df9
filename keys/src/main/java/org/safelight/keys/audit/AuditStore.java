package org.safelight.keys.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Handle;
import org.safelight.server.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL of the audit chain, in the subset SQLite and PostgreSQL share. Readers of events for
 * people ({@link #forReport}, {@link #anyWith}) see only rows in the chain, numbered 1 to the head:
 * what {@code verify} walks is exactly what they can show. Thread-safe.
 */
final class AuditStore {
    private static final Logger LOG = LoggerFactory.getLogger(AuditStore.class);
    private static final String COLUMNS =
            "seq, occurred_at, actor_user_id, actor_email, report_id, action, outcome, remote_address, hash";

    /**
     * The one-row head: the last event's number and hash, the last event linked without a key, and
     * the MAC that authenticates that boundary ({@link ChainHash#boundary}; null until the server wrote it).
     */
    record Head(long lastSeq, String lastHash, long keyedFrom, String keyedFromMac) {
    }

    /** An entry waiting to be appended, with the work that settles it in the transaction. */
    record Proposed(AuditEntry entry, InTransaction work) {
    }

    private static final String HEAD_COLUMNS = "last_seq, last_hash, keyed_from, keyed_from_mac";

    /** Only rows in the chain: numbered from 1 up to the head (the SQL of every reader). */
    private static final String IN_CHAIN = " seq > 0 AND seq <= (SELECT last_seq FROM audit_head WHERE id = 1)";

    /** SQLite's own default (pages in the log before a commit checkpoints), restored after each append. */
    static final int SQLITE_AUTO_CHECKPOINT = 1000;

    /** WAL frames (64 MiB of 4 KiB pages) past which a checkpoint that does not catch up hands back to SQLite. */
    static final long WAL_BOUND_FRAMES = 16_384;
    /** Failed checkpoints in a row after which the commits checkpoint again (about a second of them). */
    static final int FAILURES_BEFORE_FALLBACK = 4;

    private final Database db;
    private final ChainKey key;
    /** Checkpoints that failed in a row; written by the one thread that checkpoints. */
    private volatile int checkpointFailures;
    /**
     * Set when the writer's checkpoints fail or fall behind past {@link #WAL_BOUND_FRAMES}: the
     * commits then keep SQLite's automatic checkpoint, as if the writer did not checkpoint at all.
     */
    private volatile boolean commitsCheckpoint;

    /** A step on a connection (tests: the restoring of the automatic checkpoint, made to fail). */
    interface OnConnection {
        void run(Connection c) throws SQLException;
    }

    private final OnConnection restore;

    AuditStore(Database db, ChainKey key) {
        this.db = db;
        this.key = key;
        this.restore = c -> autoCheckpoint(c, SQLITE_AUTO_CHECKPOINT);
    }

    /** Same, with the step that gives the connection SQLite's automatic checkpoint back. */
    AuditStore(Database db, ChainKey key, OnConnection restore) {
        this.db = db;
        this.key = key;
        this.restore = restore;
    }

    ChainKey key() {
        return key;
    }

    /**
     * Appends the entries in one transaction, numbered and chained after the head, and moves the
     * head. Touching the head row first takes its lock (PostgreSQL) or the write lock (SQLite,
     * immediate transactions), so appenders in any number of processes queue up behind each other
     * and each reads the head the previous one committed. Plain JDBC: this runs once per commit of
     * the hottest path, and the statements are few and fixed.
     *
     * @throws IllegalStateException when the transaction failed (rolled back, nothing appended)
     */
    List<AuditEvent> append(List<Proposed> entries, Instant at) {
        // The pool gives the connection back in auto-commit mode when it is closed.
        Connection evict = null;
        try (Connection c = db.dataSource().getConnection()) {
            boolean sqlite = db.dialect() == Database.Dialect.SQLITE && !commitsCheckpoint;
            if (sqlite) {
                // Not inside this commit: the writer checkpoints when no entry waits (checkpoint()).
                autoCheckpoint(c, 0);
            }
            c.setAutoCommit(false);
            try {
                List<AuditEvent> events = append(c, entries, at);
                c.commit();
                return events;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                if (sqlite && !restoreAutoCheckpoint(c)) {
                    evict = c;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit append failed", e);
        } finally {
            if (evict != null && db.dataSource() instanceof HikariDataSource pool) {
                // Given back already (evicting a connection in use would close it under the pool's reset).
                pool.evictConnection(evict);
            }
        }
    }

    private void autoCheckpoint(Connection c, int pages) throws SQLException {
        db.withStatement(c, "PRAGMA wal_autocheckpoint = " + pages, statement -> {
                    if (statement.execute()) {
                        statement.getResultSet().close();
                    }
                    return null;
                });
    }

    /**
     * Gives the connection back to the pool with SQLite's default, for other writers. Never fails
     * the append, whose outcome is settled. When that fails, the failure's kind is logged and the
     * caller evicts the connection from the pool (closed, not lent again with the checkpoint off).
     *
     * @return whether it was restored
     */
    private boolean restoreAutoCheckpoint(Connection c) {
        try {
            restore.run(c);
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("restoring SQLite's automatic checkpoint failed ({}); the connection leaves the pool",
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * SQLite: copies the committed pages from the write-ahead log into the database file (a passive
     * checkpoint: it waits for no one), which {@link #append} leaves out of its commit. What is
     * committed is durable in the log already, so a checkpoint that fails loses nothing; the next one
     * catches up. When checkpoints keep failing, or the log passes {@link #WAL_BOUND_FRAMES} without
     * them catching up (a long reader), the commits take SQLite's automatic checkpoint back (logged,
     * the kind only) until a checkpoint catches up again. PostgreSQL: nothing.
     *
     * @throws IllegalStateException when the checkpoint failed
     */
    void checkpoint() {
        if (db.dialect() != Database.Dialect.SQLITE) {
            return;
        }
        long[] result;
        try (Connection c = db.dataSource().getConnection()) {
            result = db.withStatement(c, "PRAGMA wal_checkpoint(PASSIVE)", statement -> {
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no result row");
                    }
                    return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                }
            });
        } catch (SQLException | RuntimeException e) {
            checkpointFailed(e.getClass().getSimpleName());
            throw new IllegalStateException("the audit checkpoint failed", e);
        }
        checkpointed(result[0] != 0, result[1], result[2]);
    }

    /**
     * What a checkpoint reported: whether it was kept from finishing, the frames in the log and those
     * copied (-1 when the database is not in WAL mode).
     */
    void checkpointed(boolean busy, long logFrames, long copiedFrames) {
        if (!busy && copiedFrames >= logFrames) {
            checkpointFailures = 0;
            if (commitsCheckpoint) {
                commitsCheckpoint = false;
                LOG.info("audit log checkpoint caught up; the audit writer checkpoints again");
            }
        } else if (logFrames > WAL_BOUND_FRAMES) {
            fallBack("behind (" + (busy ? "busy" : "readers") + ")");
        }
    }

    /** A checkpoint failed with an exception of this kind. */
    void checkpointFailed(String kind) {
        int failures = checkpointFailures + 1;
        checkpointFailures = failures;
        if (failures >= FAILURES_BEFORE_FALLBACK) {
            fallBack("failing (" + kind + ")");
        }
    }

    /** Whether audit commits checkpoint themselves (SQLite's own behaviour) for now. */
    boolean commitsCheckpoint() {
        return commitsCheckpoint;
    }

    private void fallBack(String why) {
        if (!commitsCheckpoint) {
            commitsCheckpoint = true;
            LOG.warn("audit log checkpoints {}; audit commits checkpoint themselves until one catches up", why);
        }
    }

    private List<AuditEvent> append(Connection c, List<Proposed> entries, Instant at) throws SQLException {
        db.withStatement(c, "UPDATE audit_head SET last_seq = last_seq WHERE id = 1", PreparedStatement::executeUpdate);
        Head head = db.withStatement(c, "SELECT " + HEAD_COLUMNS + " FROM audit_head WHERE id = 1", read -> {
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the audit head row is missing");
                }
                return head(rs);
            }
        });
        if (head.keyedFrom() == 0 && head.keyedFromMac() == null) {
            // A chain keyed from its first event: recording that claims nothing is plain, so it is always safe.
            db.withStatement(c, "UPDATE audit_head SET keyed_from_mac = ? WHERE id = 1 AND keyed_from = 0", seal -> {
                seal.setString(1, ChainHash.boundary(key, 0));
                return seal.executeUpdate();
            });
        }
        List<AuditEvent> events = new ArrayList<>(entries.size());
        long seq = head.lastSeq();
        String hash = head.lastHash();
        for (Proposed proposed : entries) {
            AuditEntry entry = proposed.work().settle(c, proposed.entry());
            if (entry == null) {
                // The work found nothing happened that is not on the record already (see InTransaction).
                events.add(null);
                continue;
            }
            seq++;
            AuditEvent unhashed = new AuditEvent(seq, at, entry.actorUserId(), entry.actorEmail(),
                    entry.reportId(), entry.action().code(), entry.outcome().code(), entry.remoteAddress(), "");
            hash = ChainHash.keyed(key, hash, unhashed, head.keyedFrom());
            events.add(new AuditEvent(seq, at, unhashed.actorUserId(), unhashed.actorEmail(), unhashed.reportId(),
                    unhashed.action(), unhashed.outcome(), unhashed.remoteAddress(), hash));
        }
        if (seq == head.lastSeq()) {
            return events;
        }
        db.withStatement(c, "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", insert -> {
            for (AuditEvent event : events) {
                if (event == null) {
                    continue;
                }
                insert.setLong(1, event.seq());
                insert.setLong(2, at.toEpochMilli());
                insert.setString(3, event.actorUserId());
                insert.setString(4, event.actorEmail());
                insert.setString(5, event.reportId());
                insert.setString(6, event.action());
                insert.setString(7, event.outcome());
                insert.setString(8, event.remoteAddress());
                insert.setString(9, event.hash());
                insert.addBatch();
            }
            return insert.executeBatch();
        });
        long last = seq;
        String lastHash = hash;
        int moved = db.withStatement(c, "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1 AND last_seq = ?",
                move -> {
                    move.setLong(1, last);
                    move.setString(2, lastHash);
                    move.setLong(3, head.lastSeq());
                    return move.executeUpdate();
                });
        if (moved != 1) {
            throw new IllegalStateException("the audit head moved during an append");
        }
        return events;
    }

    /**
     * {@link AuditLog#checkWritable}'s database half, read-only so that no caller (readiness is
     * asked by anyone) can hold a lock the writer needs: the connection may write (not a read-only
     * connection, nor a PostgreSQL standby), the head is there, and the event it names is found
     * with the head's hash.
     *
     * @throws AuditUnavailableException saying which step failed (the exception's kind, no values)
     */
    void probe() {
        try (Connection c = db.dataSource().getConnection()) {
            probe(c);
        } catch (SQLException | RuntimeException e) {
            if (e instanceof AuditUnavailableException unavailable) {
                throw unavailable;
            }
            throw new AuditUnavailableException("the audit tables cannot be read (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private void probe(Connection c) throws SQLException {
        boolean readOnly = c.isReadOnly();
        if (!readOnly && db.dialect() == Database.Dialect.POSTGRES) {
            readOnly = db.withStatement(c, "SHOW transaction_read_only", read -> {
                try (ResultSet rs = read.executeQuery()) {
                    return rs.next() && "on".equalsIgnoreCase(rs.getString(1));
                }
            });
        }
        if (readOnly) {
            throw new AuditUnavailableException("the audit database takes no writes (read-only)");
        }
        Head head = db.withStatement(c, "SELECT " + HEAD_COLUMNS + " FROM audit_head WHERE id = 1", read -> {
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? head(rs) : null;
            }
        });
        if (head == null) {
            throw new AuditUnavailableException("the audit head row is missing");
        }
        if (head.lastSeq() > 0) {
            String hash = db.withStatement(c, "SELECT hash FROM audit_events WHERE seq = ?", read -> {
                read.setLong(1, head.lastSeq());
                try (ResultSet rs = read.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            if (!head.lastHash().equals(hash)) {
                throw new AuditUnavailableException("the audit head names event " + head.lastSeq()
                        + ", which is " + (hash == null ? "missing" : "not the one it records") + "; run audit verify");
            }
        }
    }

    Optional<Head> head() {
        return db.jdbi().withHandle(AuditStore::head);
    }

    /**
     * Up to {@code limit} events numbered above {@code afterSeq} and at most {@code uptoSeq}, in order.
     * For the verifier, which must see every row in its range.
     */
    List<AuditEvent> page(long afterSeq, long uptoSeq, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM audit_events"
                        + " WHERE seq > :after AND seq <= :upto ORDER BY seq LIMIT :limit")
                .bind("after", afterSeq).bind("upto", uptoSeq).bind("limit", limit)
                .map((rs, ctx) -> event(rs)).list());
    }

    /** The highest number in the table, whatever the head says; 0 when empty. */
    long maxSeq() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT MAX(seq) FROM audit_events")
                .mapTo(Long.class).findOne().orElse(0L));
    }

    /** Every row of the table, in the chain or not. */
    long rows() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_events").mapTo(Long.class).one());
    }

    /** The report's latest {@code limit} events in the chain, oldest first; only {@code actor}'s unless null. */
    List<AuditEvent> forReport(String reportId, String actorUserId, int limit) {
        List<AuditEvent> latest = db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM audit_events WHERE report_id = :report AND" + IN_CHAIN
                        + (actorUserId == null ? "" : " AND actor_user_id = :actor")
                        + " ORDER BY seq DESC LIMIT :limit")
                .bind("report", reportId).bind("limit", limit).bind("actor", actorUserId)
                .map((rs, ctx) -> event(rs)).list());
        List<AuditEvent> ordered = new ArrayList<>(latest);
        Collections.reverse(ordered);
        return ordered;
    }

    boolean anyWith(String reportId, String actorUserId, AuditAction action, Outcome outcome) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_events WHERE report_id = :report"
                        + " AND actor_user_id = :actor AND action = :action AND outcome = :outcome AND" + IN_CHAIN)
                .bind("report", reportId).bind("actor", actorUserId).bind("action", action.code())
                .bind("outcome", outcome.code()).mapTo(Long.class).one()) > 0;
    }

    /**
     * Writes the MAC of the head's current {@code keyed_from} unless one is there already.
     *
     * @return whether it was written
     */
    boolean authenticateBoundary() {
        return db.jdbi().withHandle(h -> {
            Optional<Head> head = head(h);
            if (head.isEmpty() || head.get().keyedFromMac() != null) {
                return false;
            }
            long keyedFrom = head.get().keyedFrom();
            return h.execute("UPDATE audit_head SET keyed_from_mac = ? WHERE id = 1 AND keyed_from = ?"
                    + " AND keyed_from_mac IS NULL", ChainHash.boundary(key, keyedFrom), keyedFrom) == 1;
        });
    }

    private static Optional<Head> head(Handle h) {
        return h.createQuery("SELECT " + HEAD_COLUMNS + " FROM audit_head WHERE id = 1")
                .map((rs, ctx) -> head(rs)).findOne();
    }

    private static Head head(ResultSet rs) throws SQLException {
        return new Head(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4));
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("occurred_at")),
                rs.getString("actor_user_id"), rs.getString("actor_email"), rs.getString("report_id"),
                rs.getString("action"), rs.getString("outcome"), rs.getString("remote_address"),
                rs.getString("hash"));
    }
}
