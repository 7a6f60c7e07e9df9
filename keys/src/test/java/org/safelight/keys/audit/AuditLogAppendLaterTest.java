package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * {@link AuditLog#appendLater}: what a caller chains runs once its event is durable, on the answer
 * thread, each caller with its own event; failures reach every caller of the batch. The writer is
 * held inside a first append (its work waits on a latch) so that the next appends queue into one
 * batch, deterministically, on SQLite and on PostgreSQL.
 */
class AuditLogAppendLaterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T14:00:00Z"), ZoneOffset.UTC);

    private static Database migrated(Supplier<Database> fresh) {
        Database db = fresh.get();
        db.migrate("keys");
        return db;
    }

    /** A first append whose work holds the writer until {@link #release()}. */
    private static final class HeldWriter {
        final HoldingWork holding = new HoldingWork();
        final CompletableFuture<AuditEvent> first;

        HeldWriter(AuditLog log) throws InterruptedException {
            first = log.appendLater(AuditEntries.granted(0), holding);
            holding.awaitHeld();
        }

        void release() {
            holding.release();
        }
    }

    @EachDatabase
    void what_a_caller_chains_runs_on_the_answer_thread_once_its_event_is_in_the_log(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, AuditLogTest.KEY, clock)) {
            HeldWriter held = new HeldWriter(log);
            CompletableFuture<String> chained = log.appendLater(AuditEntries.granted(1), InTransaction.AS_PROPOSED)
                    .thenApply(event -> Thread.currentThread().getName() + " recorded="
                            + log.recorded("report-1", "u1", AuditAction.KEY_FETCHED, Outcome.GRANTED));

            assertThat(chained).isNotDone();
            held.release();

            assertThat(chained.get(30, TimeUnit.SECONDS)).isEqualTo("safelight-audit-answers recorded=true");
            assertThat(held.first.get(30, TimeUnit.SECONDS).seq()).isEqualTo(1);
        }
    }

    @EachDatabase
    void appends_sharing_one_commit_each_complete_with_their_own_event_and_the_chain_verifies(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, AuditLogTest.KEY, clock)) {
            HeldWriter held = new HeldWriter(log);
            List<CompletableFuture<AuditEvent>> later = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                later.add(log.appendLater(AuditEntries.granted(i), InTransaction.AS_PROPOSED));
            }
            held.release();

            for (int i = 1; i <= 10; i++) {
                AuditEvent event = later.get(i - 1).get(30, TimeUnit.SECONDS);
                assertThat(event.seq()).isEqualTo(i + 1);
                assertThat(event.actorUserId()).isEqualTo("u" + i);
            }
            assertThat(log.verify()).isEqualTo(new AuditVerification.Intact(11,
                    later.get(9).get().hash(), 0));
        }
    }

    @EachDatabase
    void a_batch_whose_transaction_fails_fails_every_append_in_it_and_records_none_of_them(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, AuditLogTest.KEY, clock)) {
            HeldWriter held = new HeldWriter(log);
            CompletableFuture<AuditEvent> before = log.appendLater(AuditEntries.granted(1), InTransaction.AS_PROPOSED);
            CompletableFuture<AuditEvent> failing = log.appendLater(AuditEntries.granted(2), (c, proposed) -> {
                throw new SQLException("the work failed");
            });
            CompletableFuture<AuditEvent> after = log.appendLater(AuditEntries.granted(3), InTransaction.AS_PROPOSED);
            AtomicReference<String> answeredOn = new AtomicReference<>();
            CompletableFuture<AuditEvent> chained =
                    failing.whenComplete((e, f) -> answeredOn.set(Thread.currentThread().getName()));
            held.release();

            assertThat(held.first.get(30, TimeUnit.SECONDS).seq()).isEqualTo(1);
            assertThat(chained).failsWithin(30, TimeUnit.SECONDS);
            assertThat(answeredOn.get()).as("a failed batch is answered off the writer")
                    .isEqualTo("safelight-audit-answers");
            for (CompletableFuture<AuditEvent> f : List.of(before, failing, after)) {
                assertThat(f).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                        .havingCause().isInstanceOf(AuditUnavailableException.class);
            }
            assertThat(log.recorded("report-1", "u1", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isFalse();
            assertThat(log.recorded("report-3", "u3", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isFalse();
            assertThat(log.appendLater(AuditEntries.granted(4), InTransaction.AS_PROPOSED).get(30, TimeUnit.SECONDS).seq())
                    .as("the next batch is recorded").isEqualTo(2);
            assertThat(log.verify().intact()).isTrue();
        }
    }

    @EachDatabase
    void an_append_after_close_fails_and_records_nothing(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh)) {
            AuditLog log = new AuditLog(db, AuditLogTest.KEY, clock);
            log.append(AuditEntries.granted(1));
            log.close();

            CompletableFuture<AuditEvent> late = log.appendLater(AuditEntries.granted(2), InTransaction.AS_PROPOSED);

            assertThat(late).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(AuditUnavailableException.class);
            assertThat(log.recorded("report-2", "u2", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isFalse();
        }
    }
}
