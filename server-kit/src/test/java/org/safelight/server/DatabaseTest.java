package org.safelight.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

class DatabaseTest {
    @EachDatabase
    void a_role_migrates_its_tables_once_and_uses_them(DatabaseEngine engine, Database db) {
        db.migrate("kittest");
        db.migrate("kittest");
        db.jdbi().useHandle(h -> h.execute("INSERT INTO kit_notes (id, body) VALUES (?, ?)", 1L, "hello"));
        String body = db.jdbi().withHandle(h -> h.createQuery("SELECT body FROM kit_notes WHERE id = 1")
                .mapTo(String.class).one());
        assertThat(body).isEqualTo("hello");
        assertThat(db.dialect().name().toLowerCase()).isEqualTo(engine.toString());
    }

    @EachDatabase
    void sqlite_runs_in_wal_mode_with_full_sync(Database db) {
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

    @EachDatabase
    void a_statement_kept_for_reuse_sees_every_write_committed_since_its_last_use(Database db) throws Exception {
        db.migrate("kittest");
        List<String> seen = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            long id = i;
            db.jdbi().useHandle(h -> h.execute("INSERT INTO kit_notes (id, body) VALUES (?, ?)", id, "note " + id));
            seen.add(count(db));
            assertThatThrownBy(() -> {
                try (Connection c = db.dataSource().getConnection()) {
                    db.withStatement(c, "SELECT COUNT(*) FROM kit_notes", s -> {
                        throw new SQLException("the work failed");
                    });
                }
            }).hasMessage("the work failed");
        }
        assertThat(seen).containsExactly("1", "2", "3");
    }

    private static String count(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return db.withStatement(c, "SELECT COUNT(*) FROM kit_notes", s -> {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            });
        }
    }

    private static String query(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }
}
