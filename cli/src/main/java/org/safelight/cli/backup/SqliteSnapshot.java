package org.safelight.cli.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * A consistent copy of a SQLite database that a running server keeps writing to: {@code VACUUM
 * INTO} on a connection of its own (this is another process than the server, so never the
 * server's pool). The copy is one read transaction, so it shows every transaction committed before
 * it began and none after; the server's writers go on meanwhile (WAL mode), waiting at most for
 * the busy timeout at the very start.
 */
final class SqliteSnapshot {
    private static final int BUSY_TIMEOUT_MS = 30_000;

    private SqliteSnapshot() {
    }

    /**
     * Writes the snapshot of {@code database} to {@code target}, which must not exist yet.
     *
     * @throws BackupException when there is no database file there
     * @throws IOException     when it cannot be opened or copied (busy past the timeout, disk full)
     */
    static void copy(Path database, Path target) throws IOException {
        if (!Files.isRegularFile(database)) {
            throw new BackupException("no SQLite database at " + database.toAbsolutePath()
                    + " (give the --data-dir or --database-url that 'serve' uses)");
        }
        try (Connection c = open(database); PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toAbsolutePath().toString());
            vacuum.execute();
        } catch (SQLException e) {
            throw new IOException("the database " + database + " could not be copied: " + e.getMessage(), e);
        }
    }

    /** Rows per table of a snapshot, and whether SQLite finds it intact. */
    static Map<String, Long> rows(Path snapshot) throws IOException {
        try (Connection c = open(snapshot); Statement s = c.createStatement()) {
            try (ResultSet check = s.executeQuery("PRAGMA quick_check")) {
                String result = check.next() ? check.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new IOException("the database copy does not pass SQLite's check (" + result + ")");
                }
            }
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String table : tables) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                    r.next();
                    rows.put(table, r.getLong(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IOException("the database copy cannot be read: " + e.getMessage(), e);
        }
    }

    private static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }
}
