package org.safelight.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.safelight.server.db.Database;

/**
 * Fresh databases for contract tests: a SQLite file in a new folder, and a new database on one
 * real PostgreSQL started inside the test JVM for the whole run. A test that runs on both takes
 * them from {@link EachDatabase}.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    public static Database sqlite() {
        try {
            Path dir = Files.createTempDirectory("safelight-db-");
            return Database.open(Database.sqliteUrl(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized Database postgres() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            }
            String name = "t" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return Database.open(postgres.getJdbcUrl("postgres", name), "postgres", "postgres");
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
    }
}
