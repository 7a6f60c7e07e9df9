package org.safelight.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
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

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Jdbi jdbi;

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
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration/" + role)
                .table("flyway_history_" + role)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
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

    @Override
    public void close() {
        dataSource.close();
    }
}
