package org.safelight.server.crypto;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import org.safelight.server.db.Database;

/**
 * A text column of sealed values in one table, walked in primary key order (keyset pages, so a
 * large table is never read whole) for a master key rotation. Each row is updated only if its value
 * is still the one read, so a value changed meanwhile is left for the next run. Immutable.
 *
 * @param keyColumns the table's primary key columns, all text
 * @param aad        the associated data a value was sealed with, from its row's key values in order
 */
public record SealedColumn(String name, String table, List<String> keyColumns, String column,
                           Function<List<String>, String> aad) implements SealedSecrets {
    public SealedColumn {
        keyColumns = List.copyOf(keyColumns);
        for (String identifier : concat(List.of(table, column), keyColumns)) {
            if (!identifier.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("not a plain SQL name: " + identifier);
            }
        }
    }

    @Override
    public Resealed reseal(Database db, Reseal reseal) {
        if (!exists(db)) {
            return new Resealed(name, 0, 0, 0);
        }
        long[] counts = new long[3];
        List<String> after = null;
        while (true) {
            List<Row> page = page(db, after, reseal.batch());
            if (page.isEmpty()) {
                return new Resealed(name, counts[0], counts[1], counts[2]);
            }
            db.jdbi().useTransaction(h -> {
                for (Row row : page) {
                    if (reseal.done(row.sealed())) {
                        counts[1]++;
                        continue;
                    }
                    Optional<String> next = reseal.apply(row.sealed(), aad.apply(row.key()));
                    if (next.isEmpty()) {
                        counts[2]++;
                        continue;
                    }
                    Update update = h.createUpdate("UPDATE " + table + " SET " + column + " = :next WHERE "
                            + match() + " AND " + column + " = :old").bind("next", next.get()).bind("old", row.sealed());
                    bindKey(update, row.key());
                    counts[0] += update.execute();
                }
            });
            after = page.get(page.size() - 1).key();
        }
    }

    private record Row(List<String> key, String sealed) {
    }

    private List<Row> page(Database db, List<String> after, int size) {
        String keys = String.join(", ", keyColumns);
        String sql = "SELECT " + keys + ", " + column + " FROM " + table + " WHERE " + column + " IS NOT NULL AND "
                + column + " <> ''" + (after == null ? "" : " AND (" + keys + ") > (" + placeholders() + ")")
                + " ORDER BY " + keys + " LIMIT " + size;
        return db.jdbi().withHandle(h -> {
            Query query = h.createQuery(sql);
            if (after != null) {
                bindKey(query, after);
            }
            return query.map((rs, ctx) -> row(rs)).list();
        });
    }

    private Row row(ResultSet rs) throws SQLException {
        List<String> key = new ArrayList<>();
        for (int i = 1; i <= keyColumns.size(); i++) {
            key.add(rs.getString(i));
        }
        return new Row(key, rs.getString(keyColumns.size() + 1));
    }

    private String placeholders() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < keyColumns.size(); i++) {
            names.add(":k" + i);
        }
        return String.join(", ", names);
    }

    private String match() {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < keyColumns.size(); i++) {
            terms.add(keyColumns.get(i) + " = :k" + i);
        }
        return String.join(" AND ", terms);
    }

    private static void bindKey(org.jdbi.v3.core.statement.SqlStatement<?> statement, List<String> key) {
        for (int i = 0; i < key.size(); i++) {
            statement.bind("k" + i, key.get(i));
        }
    }

    private boolean exists(Database db) {
        try {
            return tableExists(db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look for the table " + table + ": " + e.getMessage(), e);
        }
    }

    private boolean tableExists(Database db) throws SQLException {
        return db.jdbi().withHandle(h -> {
            Connection c = h.getConnection();
            for (String candidate : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
                try (ResultSet rs = c.getMetaData().getTables(null, null, candidate, null)) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return Collections.unmodifiableList(all);
    }
}
