package org.safelight.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.server.db.Database;

class DatabaseTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.safelight.server.testing.TestDatabases#engines")
    void a_role_migrates_its_tables_once_and_uses_them(String engine, Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate("kittest");
            db.migrate("kittest");
            db.jdbi().useHandle(h -> h.execute("INSERT INTO kit_notes (id, body) VALUES (?, ?)", 1L, "hello"));
            String body = db.jdbi().withHandle(h -> h.createQuery("SELECT body FROM kit_notes WHERE id = 1")
                    .mapTo(String.class).one());
            assertThat(body).isEqualTo("hello");
            assertThat(db.dialect().name().toLowerCase()).isEqualTo(engine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.safelight.server.testing.TestDatabases#engines")
    void sqlite_runs_in_wal_mode_with_full_sync(String engine, Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            if (db.dialect() == Database.Dialect.SQLITE) {
                String journal = query(db, "PRAGMA journal_mode");
                String sync = query(db, "PRAGMA synchronous");
                assertThat(journal).isEqualToIgnoringCase("wal");
                assertThat(sync).isEqualTo("2");
            } else {
                String commit = query(db, "SHOW synchronous_commit");
                assertThat(commit).isEqualTo("on");
            }
        }
    }

    private static String query(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }
}
