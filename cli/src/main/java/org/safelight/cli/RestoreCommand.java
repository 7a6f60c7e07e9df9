package org.safelight.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.safelight.cli.backup.BackupManifest;
import org.safelight.cli.backup.BackupRestorer;
import org.safelight.cli.backup.BackupWriter;
import org.safelight.cli.backup.PgDumpCommand;
import org.safelight.server.crypto.MasterKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a file made by 'safelight backup' into a new, empty data folder.",
            "The file is checked against its manifest first: a damaged or changed",
            "backup is refused (exit 3) before anything is written. Folders are",
            "created 0700, files 0600. Then put the master key back (--master-key",
            "FILE, or SAFELIGHT_MASTER_KEY for 'serve'), run 'safelight audit verify",
            "--data-dir DIR' and start the server. --verify-only only checks."})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The backup file.")
    Path file;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The new data folder: must not exist or be empty (a restore never merges).")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "jdbc:sqlite:FILE puts the SQLite database outside the data folder; for"
                    + " PostgreSQL, the database the printed pg_restore line fills.")
    String databaseUrl;

    @Option(names = "--endpoint-received", paramLabel = "DIR",
            description = "Put the endpoint's received files here instead of DIR/endpoint/received.")
    Path endpointReceived;

    @Option(names = "--master-key", paramLabel = "FILE",
            description = "The server's master.key, kept apart from the backup: copied in as DIR/master.key (0600).")
    Path masterKey;

    @Option(names = "--verify-only", description = "Check the backup against its manifest; restore nothing.")
    boolean verifyOnly;

    @Override
    public Integer call() throws Exception {
        if (verifyOnly) {
            BackupManifest m = BackupRestorer.verify(file);
            main.stdout.println("The backup is intact: " + summary(m));
            return ExitCode.OK;
        }
        if (dataDir == null) {
            throw new Failures.UsageException("give --data-dir: the new, empty folder to restore into");
        }
        String url = databaseUrl == null || databaseUrl.isBlank() ? null : databaseUrl.strip();
        boolean postgres = url != null && url.startsWith("jdbc:postgresql:");
        Path sqlite = url == null || postgres ? null : BackupCommand.sqliteFile(url);
        BackupManifest m = BackupRestorer.verify(file);
        if (m.engine().equals("sqlite") && postgres) {
            throw new Failures.UsageException("this backup holds a SQLite database; restore it without a PostgreSQL"
                    + " --database-url (moving between engines is not a restore)");
        }
        if (m.engine().equals("postgresql") && !postgres) {
            throw new Failures.UsageException("this backup was taken from PostgreSQL and holds no database: give the"
                    + " --database-url of the database you restore its pg_dump into");
        }
        BackupRestorer.restore(file, new BackupRestorer.Target(dataDir, sqlite, endpointReceived), masterKey);
        main.stdout.println("Restored " + summary(m) + " into " + dataDir);
        var err = spec.commandLine().getErr();
        if (postgres) {
            err.println("safelight: the database is not in the backup: restore the pg_dump taken just before it into"
                    + " an empty database, e.g.:");
            err.println("  " + PgDumpCommand.of(url, null).restore("BACKUP.pgdump"));
        }
        if (masterKey == null) {
            err.println("safelight: WARNING: no master key was restored. Before starting the server, put the original"
                    + " master key back: copy it to " + dataDir.resolve(MasterKey.FILE_NAME) + " (chmod 600) or give"
                    + " it to 'serve' as " + MasterKey.ENV + ". Started without it, 'serve' makes a new key and no"
                    + " restored report opens.");
        }
        main.stdout.println("Next: safelight audit verify --data-dir " + dataDir
                + (url != null ? " --database-url JDBC_URL" : "") + ", then start the server on it.");
        return ExitCode.OK;
    }

    private static String summary(BackupManifest m) {
        return m.entries().size() + " files (" + m.count(BackupWriter.FILES + "cloud/") + " cloud blobs), "
                + String.format(java.util.Locale.ROOT, "%.1f MB", m.bytes() / 1e6) + ", database " + m.engine()
                + ", taken " + m.createdAt();
    }
}
