package org.safelight.cli;

import java.nio.file.Path;
import org.safelight.server.db.Database;
import picocli.CommandLine.Option;

/**
 * The server's storage, for operator commands run on its host. They read the configuration
 * {@code serve} reads — flags, {@code SAFELIGHT_*} in the environment, {@code --config FILE} or
 * {@code SAFELIGHT_CONFIG} (see {@code EnvironmentDefaults}) — so the same setup finds the same
 * data folder and database.
 */
final class HostOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The server's properties file (as for 'serve'); SAFELIGHT_CONFIG also names it.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "safelight-data",
            description = "The server's data folder (default: ${DEFAULT-VALUE}; or SAFELIGHT_DATA_DIR).")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "The server's database, if not SQLite in the data folder (or SAFELIGHT_DATABASE_URL).")
    String databaseUrl;

    @Option(names = "--database-user", paramLabel = "USER", description = "Its user (or SAFELIGHT_DATABASE_USER).")
    String databaseUser;

    @Option(names = "--database-password", paramLabel = "PASSWORD", hidden = true,
            description = "Prefer SAFELIGHT_DATABASE_PASSWORD.")
    String databasePassword;

    @Option(names = "--verbose", description = "Also show the libraries' log lines (Flyway, the connection pool).")
    boolean verbose;

    Database open(java.util.Map<String, String> env) {
        String url = databaseUrl;
        if (url == null || url.isBlank()) {
            Path file = dataDir.resolve("safelight.db");
            if (!java.nio.file.Files.exists(file)) {
                throw new Failures.UsageException("no Safelight database in " + dataDir.toAbsolutePath()
                        + " (give the --data-dir or --database-url that 'serve' uses, or its --config)");
            }
            url = Database.sqliteUrl(dataDir);
        }
        return Database.open(url, databaseUser, databasePassword);
    }
}
