package org.safelight.keys;

import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** The repository's contract, on SQLite and on PostgreSQL. */
class ReportKeysTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00.123Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ReportId id = new ReportId("0000000011462800528240");

    private static MasterKey masterKey() throws Exception {
        return MasterKey.load(Files.createTempDirectory("safelight-keys-"), Map.of());
    }

    private static Database migrated(Supplier<Database> fresh) {
        Database db = fresh.get();
        db.migrate(KeysRole.NAME);
        return db;
    }

    @EachDatabase
    void a_new_report_gets_a_random_32_byte_key_that_the_database_holds_only_sealed(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh)) {
            ReportKeys keys = new ReportKeys(db, masterKey(), clock);

            Creation creation = keys.create(id, "u1", "sender@example.org");

            assertThat(creation).isInstanceOf(Creation.Created.class);
            ReportKey key = ((Creation.Created) creation).key();
            assertThat(key.key()).matches("[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(key.key())).hasSize(32);
            assertThat(key.createdAt()).isEqualTo(NOW);
            assertThat(key.toString()).doesNotContain(key.key());
            String dump = db.jdbi().withHandle(h -> h.createQuery("SELECT report_id || owner_user_id || owner_email"
                    + " || sealed_key FROM report_keys").mapTo(String.class).one());
            assertThat(dump).doesNotContain(key.key());
            assertThat(new ReportKeys(db, masterKey(), clock).create(new ReportId("other"), "u1", "s@example.org"))
                    .isInstanceOf(Creation.Created.class);
            assertThatThrownBy(() -> new ReportKeys(db, masterKey(), clock).find(id))
                    .as("another master key opens nothing").isInstanceOf(MasterKeyException.class);
        }
    }

    @EachDatabase
    void the_same_sender_asking_again_gets_the_same_key_and_another_user_is_refused(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh)) {
            ReportKeys keys = new ReportKeys(db, masterKey(), clock);
            ReportKey first = ((Creation.Created) keys.create(id, "u1", "sender@example.org")).key();

            Creation again = keys.create(id, "u1", "sender@example.org");
            Creation taken = keys.create(id, "u2", "mallory@example.org");

            assertThat(again).isInstanceOf(Creation.Existing.class);
            assertThat(((Creation.Existing) again).key().key()).isEqualTo(first.key());
            assertThat(taken).isInstanceOf(Creation.OwnedByAnother.class);
            assertThat(keys.find(id)).get().extracting(ReportKey::ownerUserId, ReportKey::ownerEmail, ReportKey::key)
                    .containsExactly("u1", "sender@example.org", first.key());
        }
    }

    @EachDatabase
    void senders_racing_to_create_one_report_all_get_the_one_key(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (Database db = migrated(fresh)) {
            ReportKeys keys = new ReportKeys(db, masterKey(), clock);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Creation>> tasks = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    tasks.add(() -> keys.create(id, "u1", "sender@example.org"));
                }
                List<String> handedOut = new ArrayList<>();
                int created = 0;
                for (Future<Creation> f : pool.invokeAll(tasks)) {
                    Creation c = f.get();
                    if (c instanceof Creation.Created n) {
                        created++;
                        handedOut.add(n.key().key());
                    } else {
                        handedOut.add(((Creation.Existing) c).key().key());
                    }
                }
                assertThat(created).isEqualTo(1);
                assertThat(handedOut).containsOnly(keys.find(id).orElseThrow().key());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @EachDatabase
    void a_revoked_report_keeps_its_first_revocation_time_and_gets_no_new_key(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh)) {
            MasterKey master = masterKey();
            ReportKeys keys = new ReportKeys(db, master, clock);
            keys.create(id, "u1", "sender@example.org");

            ReportKey revoked = keys.revoke(id).orElseThrow();
            ReportKey later = new ReportKeys(db, master, Clock.offset(clock, Duration.ofHours(1)))
                    .revoke(id).orElseThrow();

            assertThat(revoked.revokedAt()).isEqualTo(NOW);
            assertThat(later.revokedAt()).isEqualTo(NOW);
            assertThat(keys.find(id).orElseThrow().revoked()).isTrue();
            assertThat(keys.create(id, "u1", "sender@example.org")).isInstanceOf(Creation.Revoked.class);
            assertThat(keys.create(id, "u2", "other@example.org")).isInstanceOf(Creation.OwnedByAnother.class);
        }
    }

    @EachDatabase
    void a_remembered_key_shows_a_revocation_made_through_the_same_object_at_once(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh)) {
            ReportKeys keys = new ReportKeys(db, masterKey(), clock);
            ReportKey created = ((Creation.Created) keys.create(id, "u1", "sender@example.org")).key();
            assertThat(keys.remembered(id)).get().extracting(ReportKey::key, ReportKey::revoked)
                    .containsExactly(created.key(), false);

            keys.revoke(id);

            assertThat(keys.remembered(id).orElseThrow().revokedAt()).isEqualTo(NOW);
            assertThat(keys.isRevokedOrUnknown(id)).isTrue();
        }
    }

    @EachDatabase
    void a_revocation_by_another_process_is_found_by_the_database_check_and_then_remembered(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh)) {
            MasterKey master = masterKey();
            ReportKeys here = new ReportKeys(db, master, clock);
            ReportKeys elsewhere = new ReportKeys(db, master, clock);
            here.create(id, "u1", "sender@example.org");
            assertThat(here.isRevokedOrUnknown(id)).isFalse();

            elsewhere.revoke(id);

            assertThat(here.isRevokedOrUnknown(id)).as("the check asks the database, not memory").isTrue();
            assertThat(here.remembered(id).orElseThrow().revoked()).isTrue();
            assertThat(here.find(id).orElseThrow().revoked()).isTrue();
        }
    }

    @EachDatabase
    void an_unknown_report_is_not_remembered_as_unknown(DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (Database db = migrated(fresh)) {
            MasterKey master = masterKey();
            ReportKeys here = new ReportKeys(db, master, clock);
            assertThat(here.remembered(id)).isEmpty();

            new ReportKeys(db, master, clock).create(id, "u1", "sender@example.org");

            assertThat(here.remembered(id)).isPresent();
            assertThat(here.isRevokedOrUnknown(id)).isFalse();
        }
    }

    @EachDatabase
    void an_unknown_report_has_no_key_and_cannot_be_revoked(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (Database db = migrated(fresh)) {
            ReportKeys keys = new ReportKeys(db, masterKey(), clock);

            assertThat(keys.find(id)).isEmpty();
            assertThat(keys.revoke(id)).isEmpty();
        }
    }

    @EachDatabase
    void a_sealed_key_moved_onto_another_reports_row_does_not_open(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (Database db = migrated(fresh)) {
            ReportKeys keys = new ReportKeys(db, masterKey(), clock);
            keys.create(id, "u1", "sender@example.org");
            keys.create(new ReportId("victim"), "u2", "victim@example.org");

            db.jdbi().useHandle(h -> h.execute("UPDATE report_keys SET sealed_key ="
                    + " (SELECT sealed_key FROM report_keys WHERE report_id = ?) WHERE report_id = ?", id.value(), "victim"));

            assertThatThrownBy(() -> keys.find(new ReportId("victim"))).isInstanceOf(MasterKeyException.class);
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "has.dot", "has/slash", "has space", "ü", "..",
            "12345678901234567890123456789012345678901234567890123456789012345"})
    void a_report_id_outside_the_allowed_alphabet_or_length_is_rejected(String value) {
        assertThatThrownBy(() -> new ReportId(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void report_ids_of_up_to_64_letters_digits_underscores_and_dashes_are_accepted() {
        assertThat(new ReportId("0000000011462800528240").value()).isEqualTo("0000000011462800528240");
        assertThat(new ReportId("A-z_9").value()).isEqualTo("A-z_9");
        assertThat(new ReportId("x".repeat(64)).value()).hasSize(64);
    }

    @Test
    void no_report_key_begins_with_a_dash_so_a_command_line_never_takes_it_for_an_option() {
        // Without the redraw about 1 key in 64 began with '-': 5,000 would all but surely show one.
        java.security.SecureRandom random = new java.security.SecureRandom();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String key = ReportKeys.newKey(random);
            assertThat(key).hasSize(43).matches("[A-Za-z0-9_][A-Za-z0-9_-]{42}");
            keys.add(key);
        }
        assertThat(keys).hasSize(5_000);
    }
}
