package org.safelight.server.testing;

import org.safelight.server.db.Database;

/** The database engines a test runs on ({@link EachDatabase}). */
public enum DatabaseEngine {
    SQLITE,
    POSTGRES;

    /** A new, empty database on this engine. */
    public Database fresh() {
        return this == SQLITE ? TestDatabases.sqlite() : TestDatabases.postgres();
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
