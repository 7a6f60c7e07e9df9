package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** The audit chain's contract, on SQLite and on PostgreSQL. */
class AuditLogTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00.250Z"), ZoneOffset.UTC);
    /** The chain key of these tests (derived from the master key on a server). */
    static final ChainKey KEY = new ChainKey(java.util.HexFormat.of().parseHex("0f".repeat(32)));

    private static Database migrated(Supplier<Database> fresh) {
        Database db = fresh.get();
        db.migrate("keys");
        return db;
    }

    private static AuditEntry entry(int i) {
        return new AuditEntry("u" + i, "user" + i + "@example.org", "report-" + (i % 3), AuditAction.KEY_FETCHED,
                i % 2 == 0 ? Outcome.GRANTED : Outcome.refused("access_denied"), "192.0.2." + i);
    }

    private static void appendSome(AuditLog log, int n) {
        for (int i = 1; i <= n; i++) {
            log.append(entry(i));
        }
    }

    @EachDatabase
    void appended_events_are_numbered_timed_and_chained_and_the_chain_verifies(DatabaseEngine engine,
            Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            assertThat(log.verify()).isEqualTo(new AuditVerification.Intact(0, ChainHash.GENESIS, 0));

            AuditEvent first = log.append(entry(1));
            AuditEvent second = log.append(entry(2));

            assertThat(first.seq()).isEqualTo(1);
            assertThat(second.seq()).isEqualTo(2);
            assertThat(first.time()).isEqualTo(clock.instant());
            assertThat(first.outcome()).isEqualTo("refused:access_denied");
            assertThat(second.granted()).isTrue();
            assertThat(first.hash()).isEqualTo(ChainHash.keyed(KEY, ChainHash.GENESIS, first, 0)).hasSize(64);
            assertThat(second.hash()).isEqualTo(ChainHash.keyed(KEY, first.hash(), second, 0));
            AuditVerification result = log.verify();
            assertThat(result).isEqualTo(new AuditVerification.Intact(2, second.hash(), 0));
            assertThat(result.describe()).startsWith("OK: 2 events");
        }
    }

    @EachDatabase
    void one_character_changed_in_an_actor_email_is_found_as_an_edit(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 5);

            db.jdbi().useHandle(h -> h.execute("UPDATE audit_events SET actor_email = ? WHERE seq = 3",
                    "user3@examp1e.org"));

            AuditVerification result = log.verify();
            assertThat(result.intact()).isFalse();
            assertThat(result).isEqualTo(new AuditVerification.Broken(
                    "event 3: its hash does not match its contents (edited?)"));
        }
    }

    @EachDatabase
    void an_edit_with_its_hash_recomputed_is_found_at_the_next_event(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 3);
            AuditEvent first = log.eventsFor("report-1", 10).get(0);
            AuditEvent forged = new AuditEvent(1, first.time(), first.actorUserId(), first.actorEmail(),
                    first.reportId(), first.action(), "granted", first.remoteAddress(), "");

            db.jdbi().useHandle(h -> h.execute("UPDATE audit_events SET outcome = 'granted', hash = ? WHERE seq = 1",
                    ChainHash.keyed(KEY, ChainHash.GENESIS, forged, 0)));

            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "event 2: its hash does not match its contents (edited?)"));
        }
    }

    @EachDatabase
    void a_deleted_event_is_found_by_the_gap_it_leaves(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 20);

            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq = 17"));
            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken("events 16 → 18: 17 is missing (deleted?)"));

            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq IN (9, 10)"));
            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "events 8 → 11: 9 to 10 are missing (deleted?)"));

            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq = 1"));
            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "the log starts at event 2: 1 is missing (deleted?)"));
        }
    }

    @EachDatabase
    void a_truncated_tail_is_found_by_the_head(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 20);

            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq = 20"));

            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "the head names 20 events but the log ends at 19"));
        }
    }

    @EachDatabase
    void an_event_slipped_in_past_the_head_or_a_forged_head_hash_is_found(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 3);
            db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_email,"
                    + " report_id, action, outcome, remote_address, hash) SELECT 4, occurred_at, actor_user_id,"
                    + " actor_email, report_id, action, outcome, remote_address, hash FROM audit_events WHERE seq = 3"));
            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "event 4 lies beyond the head, which names 3 events (inserted?)"));

            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq = 4"));
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET last_hash = ?", ChainHash.GENESIS));
            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "the head's hash is not the hash of event 3 (edited?)"));
        }
    }

    @EachDatabase
    void eight_threads_appending_200_events_each_leave_one_intact_chain_of_1600(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<List<AuditEvent>>> writers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    writers.add(() -> {
                        List<AuditEvent> mine = new ArrayList<>();
                        for (int i = 0; i < 200; i++) {
                            mine.add(log.append(new AuditEntry("t" + thread, "t" + thread + "@example.org",
                                    "r" + i, AuditAction.KEY_FETCHED, Outcome.GRANTED, "198.51.100." + thread)));
                        }
                        return mine;
                    });
                }
                Set<Long> numbers = new HashSet<>();
                for (Future<List<AuditEvent>> f : pool.invokeAll(writers)) {
                    for (AuditEvent e : f.get()) {
                        numbers.add(e.seq());
                    }
                }
                assertThat(numbers).hasSize(1600);
                assertThat(log.verify()).isInstanceOfSatisfying(AuditVerification.Intact.class,
                        ok -> assertThat(ok.events()).isEqualTo(1600));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @EachDatabase
    void the_export_is_one_json_line_per_event_from_which_the_chain_can_be_recomputed(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 1205);
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            long written = log.export(out);

            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
            assertThat(written).isEqualTo(1205);
            assertThat(lines).hasSize(1205);
            ObjectMapper mapper = new ObjectMapper();
            String previous = ChainHash.GENESIS;
            for (int i = 0; i < lines.length; i++) {
                JsonNode line = mapper.readTree(lines[i]);
                assertThat(line.get("seq").asLong()).isEqualTo(i + 1);
                assertThat(Instant.parse(line.get("time").asText()).toEpochMilli()).isEqualTo(line.get("time_ms").asLong());
                AuditEvent event = new AuditEvent(line.get("seq").asLong(), Instant.ofEpochMilli(line.get("time_ms").asLong()),
                        line.get("actor_user_id").asText(), line.get("actor_email").asText(),
                        line.get("report_id").asText(), line.get("action").asText(), line.get("outcome").asText(),
                        line.get("remote_address").asText(), "");
                previous = ChainHash.keyed(KEY, previous, event, 0);
                assertThat(line.get("hash").asText()).isEqualTo(previous);
            }
            assertThat(log.verify()).isEqualTo(new AuditVerification.Intact(1205, previous, 0));
        }
    }

    @EachDatabase
    void when_the_store_fails_every_waiting_appender_gets_an_exception_and_later_appends_work_again(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 2);
            db.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_events RENAME TO audit_events_away"));

            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<AuditEvent>> appends = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    appends.add(() -> log.append(entry(n)));
                }
                for (Future<AuditEvent> f : pool.invokeAll(appends)) {
                    assertThatThrownBy(f::get).hasCauseInstanceOf(AuditUnavailableException.class);
                }
            } finally {
                pool.shutdownNow();
            }

            db.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_events_away RENAME TO audit_events"));
            assertThat(log.append(entry(3)).seq()).isEqualTo(3);
            assertThat(log.verify().intact()).isTrue();
        }
    }

    @EachDatabase
    void the_writer_is_a_daemon_thread_and_a_closed_log_refuses_appends_but_still_reads(DatabaseEngine engine,
            Supplier<Database> fresh) {
        // only threads this test starts count: another test's log may still be closing its own
        List<Thread> others = writerThreads();
        try (Database db = migrated(fresh)) {
            AuditLog log = new AuditLog(db, KEY, clock);
            assertThat(writerThreads()).as("reading starts no thread").isSubsetOf(others);
            log.verify();
            assertThat(writerThreads()).isSubsetOf(others);

            log.append(entry(1));
            List<Thread> started = writerThreads().stream().filter(t -> !others.contains(t)).toList();
            assertThat(started).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());

            log.close();
            assertThat(started.get(0).isAlive()).isFalse();
            assertThatThrownBy(() -> log.append(entry(2))).isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("closed");
            assertThat(log.verify()).isInstanceOf(AuditVerification.Intact.class);
        }
    }

    @EachDatabase
    void a_reports_events_are_listed_oldest_first_and_a_grant_can_be_looked_up(DatabaseEngine engine,
            Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            appendSome(log, 9);

            List<AuditEvent> report0 = log.eventsFor("report-0", 10);
            assertThat(report0).extracting(AuditEvent::seq).containsExactly(3L, 6L, 9L);
            assertThat(log.eventsFor("report-0", 2)).extracting(AuditEvent::seq).containsExactly(6L, 9L);
            assertThat(log.recorded("report-0", "u6", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isTrue();
            assertThat(log.recorded("report-0", "u3", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isFalse();
            assertThat(log.recorded("report-1", "u6", AuditAction.KEY_FETCHED, Outcome.GRANTED)).isFalse();
        }
    }

    private static List<Thread> writerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("safelight-audit-writer") && t.isAlive()).toList();
    }
}
