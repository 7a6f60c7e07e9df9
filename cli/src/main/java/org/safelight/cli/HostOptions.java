package org.safelight.cli;

import java.nio.file.Path;
import org.safelight.server.db.Database;
import picocli.CommandLine.Option;

/** The server's storage, for operator commands run on its host: the same values as 'serve' was given. */
final class HostOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "safelight-data",
            description = "The server's data folder (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL", description = "The server's database, if not SQLite.")
    String databaseUrl;

    @Option(names = "--database-user", paramLabel = "USER")
    String databaseUser;

    Database open(java.util.Map<String, String> env) {
        String url = databaseUrl != null ? databaseUrl : env.get("SAFELIGHT_DATABASE_URL");
        if (url == null || url.isBlank()) {
            Path file = dataDir.resolve("safelight.db");
            if (!java.nio.file.Files.exists(file)) {
                throw new Failures.UsageException("no Safelight database in " + dataDir.toAbsolutePath()
                        + " (give the --data-dir or --database-url that 'serve' uses)");
            }
            url = Database.sqliteUrl(dataDir);
        }
        String user = databaseUser != null ? databaseUser : env.get("SAFELIGHT_DATABASE_USER");
        return Database.open(url, user, env.get("SAFELIGHT_DATABASE_PASSWORD"));
    }
}
