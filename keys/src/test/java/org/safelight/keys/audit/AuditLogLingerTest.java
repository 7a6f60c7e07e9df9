package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;

/**
 * The writer's linger ({@link GroupCommitWriter}): under load (more than one entry queued when a
 * batch is taken) the batch waits for more entries to share its commit; an entry found alone is
 * committed at once, even right after a batch of several. The clock ticks one millisecond
 * at each reading and the writer reads it once per batch, so events share a time iff they shared
 * a commit. The lingers here are far longer than any test step, so that only the rule decides.
 */
class AuditLogLingerTest {
    private static final long LINGER = TimeUnit.SECONDS.toNanos(10);
    private static final long LONG_LINGER = TimeUnit.SECONDS.toNanos(20);

    /** Each reading one millisecond after the last. */
    private static final class TickingClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-28T18:00:00Z").toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.getAndIncrement());
        }
    }

    @TempDir
    Path dir;

    private Database migrated() {
        Database db = Database.open(Database.sqliteUrl(dir));
        db.migrate("keys");
        return db;
    }

    @Test
    void under_load_a_later_entry_shares_the_commit_and_a_lone_one_after_it_does_not_wait() throws Exception {
        try (Database db = migrated(); AuditLog log = new AuditLog(db, AuditLogTest.KEY, new TickingClock(),
                new SimpleMeterRegistry(), LINGER)) {
            // Load: a held first batch, behind which two entries queue; taken together, they wait for company.
            HoldingWork holding = new HoldingWork();
            CompletableFuture<AuditEvent> held = log.appendLater(AuditEntries.granted(0), holding);
            holding.awaitHeld();
            CountDownLatch bSettled = new CountDownLatch(1);
            CompletableFuture<AuditEvent> b = log.appendLater(AuditEntries.granted(1), (conn, proposed) -> {
                bSettled.countDown();
                return proposed;
            });
            CompletableFuture<AuditEvent> c = log.appendLater(AuditEntries.granted(2), InTransaction.AS_PROPOSED);
            holding.release();
            held.get(30, TimeUnit.SECONDS);
            awaitTaken(log);
            assertThat(bSettled.getCount()).as("b and c wait for company, not yet written").isEqualTo(1);
            CompletableFuture<AuditEvent> e = log.appendLater(AuditEntries.granted(3), InTransaction.AS_PROPOSED);

            AuditEvent bEvent = b.get(60, TimeUnit.SECONDS);
            assertThat(c.get(60, TimeUnit.SECONDS).time()).isEqualTo(bEvent.time());
            assertThat(e.get(60, TimeUnit.SECONDS).time()).as("e arrived later, shares the commit")
                    .isEqualTo(bEvent.time());

            // Right after that batch of three, a lone entry: it would wait the 10 s linger, past the
            // bound below, were the linger decided on the batch before.
            AuditEvent d = log.appendLater(AuditEntries.granted(4), InTransaction.AS_PROPOSED).get(5, TimeUnit.SECONDS);
            assertThat(d.seq()).isEqualTo(5);
            assertThat(log.verify().intact()).isTrue();
        }
    }

    @Test
    void an_idle_writer_commits_a_lone_entry_without_lingering() throws Exception {
        try (Database db = migrated(); AuditLog log = new AuditLog(db, AuditLogTest.KEY, new TickingClock(),
                new SimpleMeterRegistry(), LONG_LINGER)) {
            log.appendLater(AuditEntries.granted(0), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS);
            // Would wait the 20 s linger, past the bound below, if the writer lingered after a lone entry.
            assertThat(log.appendLater(AuditEntries.granted(1), InTransaction.AS_PROPOSED).get(10, TimeUnit.SECONDS).seq())
                    .isEqualTo(2);
        }
    }

    /** Until the writer has taken everything queued (it is lingering on it). */
    private static void awaitTaken(AuditLog log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.waiting() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(log.waiting()).isZero();
    }
}
