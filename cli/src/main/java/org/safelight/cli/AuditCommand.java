package org.safelight.cli;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.safelight.format.container.AtomicFile;
import org.safelight.keys.KeyServer;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyRotation;
import org.safelight.keys.audit.AuditAnchor;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The key server's audit log, for the operator on the server's host.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand extends GroupCommand {
    @ParentCommand
    Main main;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the audit chain: every event is intact, none is missing or added, and the links",
                "verify under the chain key kept sealed under the master key. Prints the head as SEQ:HASH: keep it",
                "elsewhere and give it to a later verify with --expect.",
                "Exits 3 and says where when an event was edited, deleted or inserted, or the anchor does not match."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Mixin
        HostOptions host;

        @Mixin
        MasterKeyOptions masterKey;

        @Option(names = "--expect", paramLabel = "SEQ:HASH",
                description = "An anchor printed by an earlier verify: the chain must still pass through it.")
        String expect;

        @Override
        public Integer call() {
            AuditAnchor anchor;
            try {
                anchor = expect == null ? null : AuditAnchor.parse(expect);
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException("--expect: " + e.getMessage());
            }
            try (Database db = host.open(audit.main.env)) {
                db.migrate("keys");
                AuditVerification result = log(db, host, masterKey, audit.main.env).verify(anchor);
                if (!result.intact()) {
                    throw new AuditBrokenException(result.describe());
                }
                audit.main.stdout.println(result.describe());
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the audit log as JSON lines (one event a line, with its chain hash).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Mixin
        HostOptions host;

        @Mixin
        MasterKeyOptions masterKey;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
        Path output;

        @Override
        public Integer call() throws Exception {
            try (Database db = host.open(audit.main.env)) {
                db.migrate("keys");
                AuditLog log = log(db, host, masterKey, audit.main.env);
                if (output == null) {
                    log.export(audit.main.stdout);
                    audit.main.stdout.flush();
                } else {
                    long[] count = new long[1];
                    AtomicFile.write(output, (OutputStream out) -> count[0] = log.export(out));
                    audit.main.stdout.println("Exported " + count[0] + " events to " + output);
                }
                return ExitCode.OK;
            }
        }
    }

    /**
     * The server's audit log, keyed by the chain key kept sealed under the server's master key
     * ({@code SAFELIGHT_MASTER_KEY}, the data folder's {@code master.key}, or the PKCS#11 token the
     * options name); never a new master key. Refused while a master key rotation is unfinished.
     */
    static AuditLog log(Database db, HostOptions host, MasterKeyOptions masterKey, Map<String, String> env) {
        MasterKeyRotation.refuseIfUnfinished(db);
        MasterKey master = masterKey.load(host.dataDir, env, "the audit chain is keyed by it");
        return new AuditLog(db, KeyServer.chainKey(db, master), Clock.systemUTC());
    }

    /** The audit chain does not verify: an integrity failure (exit 3). */
    static final class AuditBrokenException extends RuntimeException {
        AuditBrokenException(String message) {
            super("the audit log does not verify: " + message, null, false, false);
        }
    }
}
