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
 * The writer's linger ({@link GroupCommitWriter}): under load a batch waits for more entries to
 * share its commit; an idle writer commits a lone entry at once. The clock ticks one millisecond
 * at each reading and the writer reads it once per batch, so events share a time iff they shared
 * a commit. The lingers here are far longer than any test step, so that only the rule decides.
 */
class AuditLogLingerTest {
    private static final long LINGER = TimeUnit.SECONDS.toNanos(5);
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

    private static AuditEntry entry(int i) {
        return new AuditEntry("u" + i, "user" + i + "@example.org", "report-" + i, AuditAction.KEY_FETCHED,
                Outcome.GRANTED, "192.0.2." + i);
    }

    @TempDir
    Path dir;

    private Database migrated() {
        Database db = Database.open(Database.sqliteUrl(dir));
        db.migrate("keys");
        return db;
    }

    @Test
    void under_load_an_entry_arriving_after_the_batch_began_still_shares_its_commit() throws Exception {
        try (Database db = migrated(); AuditLog log = new AuditLog(db, AuditLogTest.KEY, new TickingClock(),
                new SimpleMeterRegistry(), LINGER)) {
            // Load: a held first batch, behind which two entries queue and are committed together.
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<AuditEvent> held = log.appendLater(entry(0), (c, proposed) -> {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                return proposed;
            });
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<AuditEvent> b = log.appendLater(entry(1), InTransaction.AS_PROPOSED);
            CompletableFuture<AuditEvent> c = log.appendLater(entry(2), InTransaction.AS_PROPOSED);
            release.countDown();
            held.get(30, TimeUnit.SECONDS);
            assertThat(b.get(30, TimeUnit.SECONDS).time()).isEqualTo(c.get(30, TimeUnit.SECONDS).time());

            // The next batch begins with d; e comes later, once d's batch has certainly been taken.
            CountDownLatch dSettled = new CountDownLatch(1);
            CompletableFuture<AuditEvent> d = log.appendLater(entry(3), (conn, proposed) -> {
                dSettled.countDown();
                return proposed;
            });
            awaitTaken(log);
            assertThat(dSettled.getCount()).as("d waits for company, not yet written").isEqualTo(1);
            CompletableFuture<AuditEvent> e = log.appendLater(entry(4), InTransaction.AS_PROPOSED);

            AuditEvent dEvent = d.get(60, TimeUnit.SECONDS);
            AuditEvent eEvent = e.get(60, TimeUnit.SECONDS);
            assertThat(eEvent.time()).as("one commit").isEqualTo(dEvent.time());
            assertThat(eEvent.seq()).isEqualTo(dEvent.seq() + 1);
            assertThat(log.verify().intact()).isTrue();
        }
    }

    @Test
    void an_idle_writer_commits_a_lone_entry_without_lingering() throws Exception {
        try (Database db = migrated(); AuditLog log = new AuditLog(db, AuditLogTest.KEY, new TickingClock(),
                new SimpleMeterRegistry(), LONG_LINGER)) {
            log.appendLater(entry(0), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS);
            // Would wait the 20 s linger, past the bound below, if the writer lingered after a lone entry.
            assertThat(log.appendLater(entry(1), InTransaction.AS_PROPOSED).get(10, TimeUnit.SECONDS).seq())
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
