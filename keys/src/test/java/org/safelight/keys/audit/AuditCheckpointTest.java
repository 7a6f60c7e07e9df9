package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import org.sqlite.SQLiteConnection;

/**
 * SQLite's write-ahead log is checkpointed by the audit writer after it has answered, not inside
 * the commit ({@link GroupCommitWriter}, {@link AuditStore#checkpoint}); a checkpoint that fails
 * loses nothing that was acknowledged.
 */
class AuditCheckpointTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC);
    /** A WAL frame: a 4 KiB page and its 24-byte header. */
    private static final long FRAME = 4096 + 24;

    @TempDir
    Path dir;

    private Database migrated() {
        Database db = Database.open(Database.sqliteUrl(dir));
        db.migrate("keys");
        return db;
    }

    @Test
    void a_failing_checkpoint_loses_no_acknowledged_event_and_the_writer_goes_on() throws Exception {
        AtomicInteger tried = new AtomicInteger();
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            try (GroupCommitWriter writer = new GroupCommitWriter(store, CLOCK, () -> {
                tried.incrementAndGet();
                throw new IllegalStateException("disk I/O error");
            })) {
                writer.start();
                AuditEvent first = writer.submit(AuditEntries.granted(1), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS);
                AuditEvent second = writer.submit(AuditEntries.granted(2), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS);
                assertThat(List.of(first.seq(), second.seq())).containsExactly(1L, 2L);
            }
            assertThat(tried.get()).as("the checkpoint was tried").isPositive();
            try (AuditLog log = new AuditLog(db, AuditLogTest.KEY, CLOCK)) {
                assertThat(log.recorded("report-1", "u1", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isTrue();
                assertThat(log.recorded("report-2", "u2", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isTrue();
                assertThat(log.verify().intact()).isTrue();
            }
        }
    }

    @Test
    void the_checkpoint_waits_until_no_entry_is_queued() throws Exception {
        AtomicInteger checkpoints = new AtomicInteger();
        AtomicInteger checkpointsBeforeQueued = new AtomicInteger(-1);
        HoldingWork holding = new HoldingWork();
        CountDownLatch ran = new CountDownLatch(1);
        Runnable checkpoint = () -> {
            checkpoints.incrementAndGet();
            ran.countDown();
        };
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            try (GroupCommitWriter writer = new GroupCommitWriter(store, CLOCK, checkpoint, 0)) {
                writer.start();
                CompletableFuture<AuditEvent> held = writer.submit(AuditEntries.granted(1), holding);
                try {
                    holding.awaitHeld();
                    // Queued while the first batch commits: its checkpoint (due at once here) must wait for it.
                    CompletableFuture<AuditEvent> queued = writer.submit(AuditEntries.granted(2), (c, proposed) -> {
                        checkpointsBeforeQueued.set(checkpoints.get());
                        return proposed;
                    });
                    holding.release();
                    held.get(30, TimeUnit.SECONDS);
                    assertThat(queued.get(30, TimeUnit.SECONDS).seq()).isEqualTo(2);
                    assertThat(ran.await(30, TimeUnit.SECONDS)).as("then, the queue empty, one ran").isTrue();
                } finally {
                    holding.release();
                }
            }
            assertThat(checkpointsBeforeQueued.get()).as("no checkpoint before the queued entry's commit").isZero();
        }
    }

    @Test
    void the_commit_leaves_the_checkpoint_to_the_writer() throws Exception {
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            try (GroupCommitWriter writer = new GroupCommitWriter(store, CLOCK, () -> { })) {
                writer.start();
                // Each commit adds a few frames; SQLite's automatic checkpoint would restart the log at 1,000.
                for (int i = 1; i <= 600; i++) {
                    writer.submit(AuditEntries.granted(i), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS);
                }
            }
            Path wal = Path.of(dir.resolve("safelight.db") + "-wal");
            assertThat(Files.size(wal)).as("the log grew past the automatic checkpoint's 1,000 pages")
                    .isGreaterThan(1_100 * FRAME);
        }
    }

    @Test
    void the_writers_own_checkpoint_keeps_the_log_short() throws Exception {
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            try (GroupCommitWriter writer = new GroupCommitWriter(store, CLOCK, store::checkpoint, 0)) {
                writer.start();
                appendMany(writer);
            }
            assertThat(store.commitsCheckpoint()).as("no fallback needed").isFalse();
            assertThat(Files.size(wal())).as("the real checkpoint restarted the log").isLessThan(1_100 * FRAME);
        }
    }

    @Test
    void when_checkpoints_keep_failing_the_commits_checkpoint_again_until_one_catches_up() throws Exception {
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            for (int i = 0; i < AuditStore.FAILURES_BEFORE_FALLBACK; i++) {
                store.checkpointFailed("SQLiteException");
            }
            assertThat(store.commitsCheckpoint()).isTrue();
            try (GroupCommitWriter writer = new GroupCommitWriter(store, CLOCK, () -> { })) {
                writer.start();
                appendMany(writer);
            }
            assertThat(Files.size(wal())).as("SQLite's automatic checkpoint bounds the log")
                    .isLessThan(1_100 * FRAME);
            store.checkpoint();
            assertThat(store.commitsCheckpoint()).as("caught up: the writer checkpoints again").isFalse();
        }
    }

    @Test
    void a_checkpoint_that_falls_behind_past_the_bound_hands_back_to_sqlite() {
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            store.checkpointed(true, AuditStore.WAL_BOUND_FRAMES, 0);
            assertThat(store.commitsCheckpoint()).as("not past the bound yet").isFalse();
            store.checkpointed(false, AuditStore.WAL_BOUND_FRAMES + 1, 10);
            assertThat(store.commitsCheckpoint()).isTrue();
            store.checkpointed(false, 20, 20);
            assertThat(store.commitsCheckpoint()).isFalse();
        }
    }

    private static void appendMany(GroupCommitWriter writer) throws Exception {
        for (int i = 1; i <= 600; i++) {
            writer.submit(AuditEntries.granted(i), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS);
        }
    }

    private Path wal() {
        return Path.of(dir.resolve("safelight.db") + "-wal");
    }

    @Test
    void a_connection_whose_automatic_checkpoint_cannot_be_restored_leaves_the_pool_and_the_append_stands()
            throws Exception {
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY, c -> {
                throw new SQLException("disk I/O error");
            });
            AtomicReference<Connection> physical = new AtomicReference<>();
            List<AuditEvent> events = store.append(List.of(new AuditStore.Proposed(AuditEntries.granted(1), (c, proposed) -> {
                physical.set(c.unwrap(SQLiteConnection.class));
                return proposed;
            })), CLOCK.instant());
            assertThat(events.get(0).seq()).as("the settled append is not failed").isEqualTo(1);
            // Evicted: the pool closes it (on a thread of its own) instead of lending it again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!physical.get().isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(physical.get().isClosed()).as("the connection left the pool").isTrue();
        }
    }

    @Test
    void an_audit_append_gives_its_connection_back_with_sqlites_automatic_checkpoint() throws Exception {
        try (Database db = migrated()) {
            AuditStore store = new AuditStore(db, AuditLogTest.KEY);
            store.append(List.of(new AuditStore.Proposed(AuditEntries.granted(1), InTransaction.AS_PROPOSED)), CLOCK.instant());
            // The pool hands a thread the connection it gave back last.
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(AuditStore.SQLITE_AUTO_CHECKPOINT);
            }
            store.checkpoint();
        }
    }
}
