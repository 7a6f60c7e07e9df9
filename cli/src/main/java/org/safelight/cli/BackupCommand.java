package org.safelight.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.safelight.cli.backup.BackupManifest;
import org.safelight.cli.backup.BackupWriter;
import org.safelight.cli.backup.PgDumpCommand;
import org.safelight.server.crypto.MasterKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up a data folder while its server runs. First a consistent copy of",
            "the SQLite database (VACUUM INTO, on a connection of its own), then the",
            "cloud's blobs, the endpoint's received files (the signing keys and every",
            "sealed secret are in the database), policy files, certificates and the",
            "rest of the folder: one ZIP with a manifest",
            "of SHA-256 hashes that 'safelight restore' checks. Takes no lock.",
            "No key file (master.key*, *.pin) is in the backup: keep the master key",
            "apart (see the warning). Symbolic links are left out, never followed.",
            "The backup holds other secrets (TLS key, sealed keys): store it encrypted.",
            "On PostgreSQL the database is not in the file: take it with pg_dump",
            "first (the command is printed)."})
final class BackupCommand implements Callable<Integer> {
    /** The signing keys' file from before they moved into the database (accounts' SigningKeys.FILE_NAME). */
    private static final String SIGNING_KEYS = "signing-keys.json";

    @ParentCommand
    Main main;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HostOptions host;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "The backup file to write (mode 0600, replaced atomically); not inside the data folder.")
    Path output;

    @Option(names = "--endpoint-received", paramLabel = "DIR",
            description = "The endpoint's received folder, when 'serve' keeps it outside the data folder.")
    Path endpointReceived;

    @Override
    public Integer call() throws Exception {
        String url = host.databaseUrl == null || host.databaseUrl.isBlank() ? null : host.databaseUrl.strip();
        boolean postgres = url != null && url.startsWith("jdbc:postgresql:");
        Path sqlite = null;
        if (!postgres) {
            sqlite = url == null ? host.dataDir.resolve("safelight.db") : sqliteFile(url);
        }
        Instant start = Instant.now();
        BackupWriter.Written written = BackupWriter.write(new BackupWriter.Source(host.dataDir, sqlite,
                endpointReceived), output, Clock.systemUTC());
        BackupManifest m = written.manifest();
        Duration took = Duration.between(start, Instant.now());
        main.stdout.printf("Backed up %s to %s: %d files (%d cloud blobs), %.1f MB, in %.1f s%n",
                host.dataDir, output, m.entries().size(), m.count(BackupWriter.FILES + "cloud/"),
                Files.size(output) / 1e6, took.toMillis() / 1000.0);
        if (!m.rows().isEmpty()) {
            main.stdout.println("Database snapshot (SQLite): " + m.rows().values().stream().mapToLong(Long::longValue).sum()
                    + " rows in " + m.rows().size() + " tables");
        }
        if (written.cloudReports() > 0) {
            main.stdout.println(written.cloudReportsWithoutBlob() == 0
                    ? "Every one of the snapshot's " + written.cloudReports() + " cloud reports has its blob in the backup"
                    : written.cloudReportsWithoutBlob() + " of the snapshot's " + written.cloudReports() + " cloud reports"
                    + " have no blob in the backup: deleted since (expired), or the cloud keeps its blobs in S3"
                    + " (back the bucket up with versioning or replication)");
        }
        var err = spec.commandLine().getErr();
        if (postgres) {
            PgDumpCommand pg = PgDumpCommand.of(url, host.databaseUser);
            err.println("safelight: the PostgreSQL database is NOT in this file. Take it with pg_dump BEFORE each"
                    + " 'safelight backup' (database first, files second: every row then finds its blob), e.g.:");
            err.println("  " + pg.dump(output.getFileName() + ".pgdump"));
            err.println("  (the password comes from PGPASSWORD or ~/.pgpass; keep the dump with this file and protect it"
                    + " the same way: it holds the sealed keys)");
        }
        for (String link : written.linksLeftOut()) {
            err.println("safelight: WARNING: " + link + " is a symbolic link: left out (a backup never follows links);"
                    + " back up what it points to separately if it matters");
        }
        err.println(masterKeyWarning());
        err.println(secretsWarning(m));
        return ExitCode.OK;
    }

    /** The master key stays out of every backup; said on every run, since forgetting it loses everything. */
    private String masterKeyWarning() {
        String env = main.env.get(MasterKey.ENV);
        String where = env != null && !env.isBlank() ? "the value of " + MasterKey.ENV + " this server is given"
                : host.dataDir.resolve(MasterKey.FILE_NAME).toString();
        return "safelight: WARNING: the master key (" + where + ") is NOT in this backup, on purpose. Keep a copy of"
                + " it apart from the backups (a password manager, an HSM, a sealed envelope in a safe), never beside"
                + " them: without it this backup opens no report and its audit log cannot be verified; with it, anyone"
                + " holding the backup could. Restore it with 'safelight restore --master-key FILE' or "
                + MasterKey.ENV + ".";
    }

    /**
     * The second line of the warning: what in this backup is secret even without the master key, named
     * only when the backup holds it. Whoever reads the file gets these, so it is kept like the keys.
     */
    private static String secretsWarning(BackupManifest m) {
        java.util.Set<String> names = new java.util.HashSet<>();
        m.entries().forEach(e -> names.add(e.name()));
        java.util.List<String> held = new java.util.ArrayList<>();
        if (names.contains(BackupWriter.FILES + "certs/privkey.pem")) {
            held.add("the TLS private key (certs/privkey.pem)");
        }
        if (names.contains(BackupWriter.FILES + SIGNING_KEYS)) {
            held.add("the token signing keys in plain text (" + SIGNING_KEYS + ": enough to forge any user's token)");
        }
        if (names.contains(BackupWriter.DATABASE_ENTRY)) {
            held.add("report keys and storage tokens sealed under the master key (the database)");
        }
        if (held.isEmpty()) {
            return "  This backup holds the data folder's files: keep it access-controlled, like the folder itself.";
        }
        return "  This backup itself holds secrets: " + String.join("; ", held) + ". Store it encrypted and"
                + " access-controlled, like the data folder itself, and never beside the master key.";
    }

    static Path sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            throw new Failures.UsageException("--database-url: use jdbc:sqlite:FILE or jdbc:postgresql://...");
        }
        String file = url.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            throw new Failures.UsageException("--database-url: an in-memory or file: URL cannot be backed up;"
                    + " give the database's path (jdbc:sqlite:/path/to/safelight.db)");
        }
        return Path.of(file);
    }
}
