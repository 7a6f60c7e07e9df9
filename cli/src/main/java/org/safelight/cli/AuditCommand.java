package org.safelight.cli;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.safelight.format.container.AtomicFile;
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
            description = {"Check the audit chain: every event is intact and none is missing.",
                "Exits 3 and says where when an event was edited or deleted."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;

        @Mixin
        HostOptions host;

        @Override
        public Integer call() {
            try (Database db = host.open(audit.main.env)) {
                db.migrate("keys");
                AuditVerification result = new AuditLog(db, Clock.systemUTC()).verify();
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

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
        Path output;

        @Override
        public Integer call() throws Exception {
            try (Database db = host.open(audit.main.env)) {
                db.migrate("keys");
                AuditLog log = new AuditLog(db, Clock.systemUTC());
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

    /** The audit chain does not verify: an integrity failure (exit 3). */
    static final class AuditBrokenException extends RuntimeException {
        AuditBrokenException(String message) {
            super("the audit log does not verify: " + message, null, false, false);
        }
    }
}
