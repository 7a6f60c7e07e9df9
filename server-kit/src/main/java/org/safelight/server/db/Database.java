package org.safelight.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.safelight.server.role.Migrations;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The database of one server process: SQLite by default (a file under the data folder, WAL
 * journal, full sync, so a committed write survives a crash), PostgreSQL when given a
 * {@code jdbc:postgresql:} URL. Each role migrates its own tables with Flyway from
 * {@code db/migration/<role>} into its own history table, so roles can share one database or
 * each have their own. SQL in migrations and repositories stays in the subset both engines speak.
 * Thread-safe.
 */
public final class Database implements AutoCloseable {
    public enum Dialect { SQLITE, POSTGRES }

    /** Work done with a prepared statement that the caller must not close. */
    @FunctionalInterface
    public interface StatementWork<T> {
        T apply(PreparedStatement statement) throws SQLException;
    }

    /** The tables of the server itself, shared by the roles: {@code classpath:db/migration/server}. */
    public static final Migrations SHARED = new Migrations("db/migration/server", "flyway_history_server");

    private final HikariDataSource dataSource;
    private boolean sharedMigrated;
    /** The advisory lock id instances hold while migrating ("safelight" in ASCII). */
    private static final long MIGRATION_LOCK = 0x736166656c696768L;
    private final Dialect dialect;
    private final Jdbi jdbi;
    /** SQLite's prepared statements, per physical connection; guarded by itself. */
    private final Map<SQLiteConnection, Map<String, PreparedStatement>> prepared = new HashMap<>();

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** The embedded default: {@code DATA_DIR/safelight.db}. */
    public static String sqliteUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.toAbsolutePath().resolve("safelight.db");
    }

    public static Database open(String jdbcUrl) {
        return open(jdbcUrl, null, null);
    }

    public static Database open(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("safelight");
        Dialect dialect;
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            dialect = Dialect.SQLITE;
            String file = jdbcUrl.substring("jdbc:sqlite:".length());
            try {
                Path parent = Path.of(file).toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create the database folder for " + file, e);
            }
            SQLiteConfig sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            sqlite.enforceForeignKeys(true);
            sqlite.setBusyTimeout(10_000);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            SQLiteDataSource ds = new SQLiteDataSource(sqlite);
            ds.setUrl(jdbcUrl);
            config.setDataSource(ds);
            // One writer at a time is SQLite's rule; readers run beside it in WAL mode. Enough
            // connections that the audit writer never queues behind readers for one.
            config.setMaximumPoolSize(8);
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRES;
            config.setJdbcUrl(jdbcUrl);
            if (user != null) {
                config.setUsername(user);
            }
            if (password != null) {
                config.setPassword(password);
            }
            // A commit must be on disk before we answer (the audit rule), whatever the server's default.
            config.setConnectionInitSql("SET synchronous_commit = on");
            config.setMaximumPoolSize(16);
        } else {
            throw new IllegalArgumentException("unsupported database URL (use jdbc:sqlite:FILE or jdbc:postgresql://...)");
        }
        return new Database(new HikariDataSource(config), dialect);
    }

    /** Applies the role's migrations ({@code classpath:db/migration/<role>}). */
    public void migrate(String role) {
        migrate(new Migrations("db/migration/" + role, "flyway_history_" + role));
    }

    /**
     * Applies migrations from their class-path location into their own history table, after the
     * tables every role may share ({@link #SHARED}: rate limits, wrapped keys, server state), which
     * are applied once per {@code Database} before any role's.
     */
    public void migrate(Migrations migrations) {
        synchronized (this) {
            if (!sharedMigrated) {
                apply(SHARED);
                sharedMigrated = true;
            }
        }
        if (!migrations.equals(SHARED)) {
            apply(migrations);
        }
    }

    /**
     * One Flyway run. On PostgreSQL, under a session advisory lock held on a connection of its own:
     * instances starting together on an empty database would otherwise race to create the same
     * history table (Flyway locks only once the table exists), and one of them would stop.
     */
    private void apply(Migrations migrations) {
        if (dialect != Dialect.POSTGRES) {
            flyway(migrations);
            return;
        }
        try (Connection lock = dataSource.getConnection()) {
            try (var take = lock.prepareStatement("SELECT pg_advisory_lock(?)")) {
                take.setLong(1, MIGRATION_LOCK);
                take.execute();
            }
            try {
                flyway(migrations);
            } finally {
                try (var release = lock.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    release.setLong(1, MIGRATION_LOCK);
                    release.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the migration lock on the database", e);
        }
    }

    private void flyway(Migrations migrations) {
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:" + migrations.location())
                .table(migrations.historyTable())
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /**
     * Runs {@code work} with {@code sql} prepared on {@code connection} (borrowed from
     * {@link #dataSource()}). On SQLite, where compiling a statement costs more than running a
     * small one, the statement is compiled once per physical connection and kept; PostgreSQL's
     * driver keeps its own. {@code work} must close any result set it opens (that also ends
     * SQLite's read of it) and must not close the statement.
     */
    public <T> T withStatement(Connection connection, String sql, StatementWork<T> work) throws SQLException {
        if (dialect != Dialect.SQLITE) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                return work.apply(statement);
            }
        }
        PreparedStatement statement = prepared(connection.unwrap(SQLiteConnection.class), sql);
        T result;
        try {
            result = work.apply(statement);
        } catch (SQLException | RuntimeException e) {
            // Whatever state it was left in, it is not reused: the next use compiles it again.
            try {
                statement.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        statement.clearParameters();
        statement.clearBatch();
        return result;
    }

    private PreparedStatement prepared(SQLiteConnection physical, String sql) throws SQLException {
        Map<String, PreparedStatement> statements;
        synchronized (prepared) {
            statements = prepared.get(physical);
            if (statements == null) {
                // A new physical connection: forget those the pool has closed since.
                prepared.keySet().removeIf(Database::closed);
                statements = new HashMap<>();
                prepared.put(physical, statements);
            }
        }
        // Only the thread that borrowed this connection uses its statements until it gives it back.
        PreparedStatement statement = statements.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = physical.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Publishes the connection pool's figures on {@code registry} ({@code hikaricp_connections_*},
     * tagged {@code pool="safelight"}). Once per database.
     *
     * @throws IllegalStateException when the pool's meters were bound already
     */
    public void meterPool(MeterRegistry registry) {
        dataSource.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }

    /**
     * A quick query, for readiness.
     *
     * @throws SQLException with a fixed message naming only the failure's kind (a driver's message
     *                      may name hosts and users) when the database does not answer or is closed
     */
    public void check() throws SQLException {
        if (dataSource.isClosed()) {
            throw new SQLException("the database is closed");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1")) {
            s.setQueryTimeout(2);
            s.executeQuery().close();
        } catch (SQLException e) {
            throw new SQLException("the database does not answer (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
