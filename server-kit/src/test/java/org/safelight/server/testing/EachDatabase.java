package org.safelight.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once on each database engine we ship: SQLite (a file in a new folder) and
 * PostgreSQL (a new database on one embedded server per test run, {@link TestDatabases}). The test
 * takes a {@link org.safelight.server.db.Database} parameter, fresh and unmigrated, closed after
 * the test; and may take the {@link DatabaseEngine} it runs on, or a {@code Supplier<Database>} of
 * fresh databases on it (for a test that needs several, or opens its own; each is closed after the
 * test as well).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(EachDatabaseExtension.class)
public @interface EachDatabase {
}
