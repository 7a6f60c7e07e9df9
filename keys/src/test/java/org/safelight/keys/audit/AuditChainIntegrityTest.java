package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.audit.AuditLogTest.KEY;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** What verify passes is what every reader shows, and the chain cannot be recomputed without the key. */
class AuditChainIntegrityTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00.250Z"), ZoneOffset.UTC);

    private static Database migrated(Supplier<Database> fresh) {
        Database db = fresh.get();
        db.migrate("keys");
        return db;
    }

    private static AuditEntry fetch(String user, Outcome outcome) {
        return new AuditEntry(user, user + "@example.org", "report-1", AuditAction.KEY_FETCHED, outcome, "192.0.2.1");
    }

    private static String insertRow(String seq, String actor) {
        return "INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_email, report_id, action, outcome,"
                + " remote_address, hash) VALUES (" + seq + ", 1, '" + actor + "', '" + actor + "@example.org',"
                + " 'report-1', 'key_fetched', 'granted', '', '" + "ab".repeat(32) + "')";
    }

    private static long exported(AuditLog log) throws Exception {
        return log.export(new ByteArrayOutputStream());
    }

    @EachDatabase
    void a_row_numbered_null_or_text_or_past_the_head_is_refused_or_seen_by_no_reader_and_reported_by_verify(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            log.append(fetch("alice", Outcome.GRANTED));
            log.append(fetch("bob", Outcome.refused("access_denied")));

            List<String> refused = new ArrayList<>();
            for (String seq : new String[] {"NULL", "'x'", "'3'", "0", "-1", "9"}) {
                String actor = "mallory" + refused.size() + seq.replaceAll("[^a-z0-9]", "");
                try {
                    db.jdbi().useHandle(h -> h.execute(insertRow(seq, actor)));
                } catch (RuntimeException e) {
                    refused.add(seq);
                    continue;
                }
                assertThat(log.eventsFor("report-1", 100)).as("seq %s", seq).extracting(AuditEvent::actorUserId)
                        .containsExactly("alice", "bob");
                assertThat(log.eventsFor("report-1", actor, 100)).as("seq %s", seq).isEmpty();
                assertThat(log.recorded("report-1", actor, AuditAction.KEY_FETCHED, Outcome.GRANTED))
                        .as("a row outside the chain grants nothing (seq %s)", seq).isFalse();
                assertThat(exported(log)).as("seq %s", seq).isEqualTo(2);
                assertThat(log.verify().intact()).as("verify reports the row (seq %s)", seq).isFalse();
                db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE actor_user_id = ?", actor));
                assertThat(log.verify().intact()).isTrue();
            }
            // Text, zero and negative numbers are refused by the schema on both engines; NULL too on PostgreSQL
            // (SQLite gives a NULL rowid the next number, past the head, where nothing reads it).
            assertThat(refused).contains("'x'", "0", "-1");
            if (engine == DatabaseEngine.POSTGRES) {
                assertThat(refused).contains("NULL");
            }
        }
    }

    @EachDatabase
    void an_edit_with_the_whole_chain_recomputed_by_sha256_does_not_verify(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            for (int i = 0; i < 4; i++) {
                log.append(fetch("u" + i, Outcome.refused("access_denied")));
            }
            List<AuditEvent> events = log.eventsFor("report-1", 10);

            // Whoever can write the database, but not read the master key: turn event 2 into a grant and
            // recompute every hash after it, and the head, the way a plain SHA-256 chain would be.
            String previous = events.get(0).hash();
            for (AuditEvent e : events.subList(1, events.size())) {
                AuditEvent edited = new AuditEvent(e.seq(), e.time(), e.actorUserId(), e.actorEmail(), e.reportId(),
                        e.action(), e.seq() == 2 ? "granted" : e.outcome(), e.remoteAddress(), "");
                previous = ChainHash.next(previous, edited);
                String hash = previous;
                db.jdbi().useHandle(h -> h.execute("UPDATE audit_events SET outcome = ?, hash = ? WHERE seq = ?",
                        edited.outcome(), hash, e.seq()));
            }
            String head = previous;
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET last_hash = ?", head));

            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken(
                    "event 2: its hash does not match its contents (edited?)"));
            // Nor by moving where keying began, to pass the events off as written before it.
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = 4"));
            assertThat(log.verify().intact()).isFalse();
        }
    }

    @EachDatabase
    void raising_keyed_from_to_the_head_and_recomputing_the_chain_by_sha256_does_not_verify(DatabaseEngine engine,
            Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            for (int i = 0; i < 4; i++) {
                log.append(fetch("u" + i, Outcome.refused("access_denied")));
            }
            List<AuditEvent> events = log.eventsFor("report-1", 10);

            // Whoever can write the database, but not read the master key: call every event one written
            // before the chain was keyed, turn event 2 into a grant and relink all of them by plain SHA-256.
            String previous = ChainHash.GENESIS;
            for (AuditEvent e : events) {
                AuditEvent edited = new AuditEvent(e.seq(), e.time(), e.actorUserId(), e.actorEmail(), e.reportId(),
                        e.action(), e.seq() == 2 ? "granted" : e.outcome(), e.remoteAddress(), "");
                previous = ChainHash.next(previous, edited);
                String hash = previous;
                db.jdbi().useHandle(h -> h.execute("UPDATE audit_events SET outcome = ?, hash = ? WHERE seq = ?",
                        edited.outcome(), hash, e.seq()));
            }
            String head = previous;
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = 4, last_hash = ?", head));

            assertThat(log.verify()).isEqualTo(new AuditVerification.Broken("the head says keying began after event 4,"
                    + " which the server did not record under this key (edited, or another master key?)"));
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET keyed_from_mac = NULL"));
            assertThat(log.verify()).as("nor with the boundary's MAC removed").isEqualTo(new AuditVerification.Broken(
                    "the head's keyed_from is not authenticated by the chain key (removed?)"));
        }
    }

    @EachDatabase
    void a_fresh_chain_authenticates_that_keying_began_at_zero(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            log.append(fetch("alice", Outcome.GRANTED));
            assertThat(log.verify().intact()).isTrue();
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET keyed_from_mac = NULL"));
            assertThat(log.verify().intact()).as("the MAC of keyed_from = 0 is required too").isFalse();
        }
    }

    @EachDatabase
    void a_verify_with_an_anchor_fails_once_the_history_up_to_it_is_rewritten_even_with_the_key(DatabaseEngine engine,
            Supplier<Database> fresh) {
        try (Database db = migrated(fresh); AuditLog log = new AuditLog(db, KEY, clock)) {
            log.append(fetch("alice", Outcome.GRANTED));
            log.append(fetch("bob", Outcome.GRANTED));
            AuditAnchor anchor = ((AuditVerification.Intact) log.verify()).anchor();
            assertThat(log.verify().describe()).isEqualTo("OK: 2 events, head " + anchor);
            assertThat(AuditAnchor.parse(anchor.toString())).isEqualTo(anchor);
            log.append(fetch("carol", Outcome.GRANTED));

            assertThat(log.verify(anchor).intact()).as("the chain still passes through its old head").isTrue();
            assertThat(log.verify(AuditAnchor.parse("0:" + ChainHash.GENESIS)).intact()).isTrue();

            // Someone with the key rewrites everything from event 2 on: consistent, but not the anchored history.
            List<AuditEvent> events = log.eventsFor("report-1", 10);
            String previous = events.get(0).hash();
            for (AuditEvent e : events.subList(1, events.size())) {
                AuditEvent edited = new AuditEvent(e.seq(), e.time(), e.seq() == 2 ? "eve" : e.actorUserId(),
                        e.actorEmail(), e.reportId(), e.action(), e.outcome(), e.remoteAddress(), "");
                previous = ChainHash.keyed(KEY, previous, edited, 0);
                String hash = previous;
                db.jdbi().useHandle(h -> h.execute("UPDATE audit_events SET actor_user_id = ?, hash = ? WHERE seq = ?",
                        edited.actorUserId(), hash, e.seq()));
            }
            String head = previous;
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET last_hash = ?", head));

            assertThat(log.verify().intact()).isTrue();
            assertThat(log.verify(anchor)).isEqualTo(new AuditVerification.Broken("event 2 is not the anchor "
                    + anchor + " any more: the history up to it was rewritten"));
            assertThat(log.verify(new AuditAnchor(7, anchor.hash())).describe())
                    .contains("the anchor names event 7 but the log ends at 3");
        }
    }

    @EachDatabase
    void a_chain_written_before_keying_still_verifies_and_every_later_event_is_keyed(Database db) throws Exception {
        // The database as the previous version left it: schema version 2, three SHA-256-chained events.
        Flyway.configure(Database.class.getClassLoader()).dataSource(db.dataSource())
                .locations("classpath:db/migration/keys").table("flyway_history_keys")
                .baselineOnMigrate(true).baselineVersion("0").target("2").load().migrate();
        String previous = ChainHash.GENESIS;
        for (long seq = 1; seq <= 3; seq++) {
            AuditEvent e = new AuditEvent(seq, Instant.ofEpochMilli(1000 * seq), "u" + seq, "u" + seq + "@example.org",
                    "report-1", "key_fetched", "granted", "192.0.2.1", "");
            previous = ChainHash.next(previous, e);
            String hash = previous;
            long n = seq;
            db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_events (seq, occurred_at, actor_user_id,"
                    + " actor_email, report_id, action, outcome, remote_address, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    n, 1000 * n, e.actorUserId(), e.actorEmail(), e.reportId(), e.action(), e.outcome(),
                    e.remoteAddress(), hash));
        }
        String legacyHead = previous;
        db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET last_seq = 3, last_hash = ?", legacyHead));

        db.migrate("keys");
        try (AuditLog log = new AuditLog(db, KEY, clock)) {
            assertThat(log.verify().describe()).as("until the server records where keying began")
                    .isEqualTo("BROKEN: the head's keyed_from is not authenticated by the chain key (removed?)");
            assertThat(log.authenticateBoundary()).isTrue();
            assertThat(log.authenticateBoundary()).as("once").isFalse();
            assertThat(log.verify()).isEqualTo(new AuditVerification.Intact(3, legacyHead, 3));
            assertThat(log.verify().describe()).contains("events 1 to 3 predate the keyed chain");

            AuditEvent fourth = log.append(fetch("dan", Outcome.GRANTED));

            assertThat(fourth.hash()).isEqualTo(ChainHash.keyed(KEY, legacyHead, fourth, 3))
                    .isNotEqualTo(ChainHash.next(legacyHead, fourth));
            assertThat(log.verify()).isEqualTo(new AuditVerification.Intact(4, fourth.hash(), 3));
            assertThat(log.verify(new AuditAnchor(3, legacyHead)).intact()).isTrue();
            assertThat(new AuditLog(db, new ChainKey(new byte[32]), clock).verify().describe())
                    .as("another master key").isEqualTo("BROKEN: the head says keying began after event 3, which"
                            + " the server did not record under this key (edited, or another master key?)");
        }
    }
}
