package org.safelight.cli;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator commands, run on the server's host with the same storage options as 'serve'.",
        subcommands = {AdminCommand.Enterprise.class})
final class AdminCommand extends GroupCommand {
    @ParentCommand
    Main main;

    @Command(name = "enterprise", mixinStandardHelpOptions = true, description = "Enterprises (institutions).",
            subcommands = {Create.class})
    static final class Enterprise extends GroupCommand {
        @ParentCommand
        AdminCommand admin;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an enterprise with its admin and its members, who get the PRO licence.",
                "Members are users with a verified address at one of the domains, or in the list."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        Enterprise enterprise;

        @Mixin
        HostOptions host;

        @Option(names = "--name", required = true, paramLabel = "N")
        String name;

        @Option(names = "--admin", required = true, paramLabel = "EMAIL",
                description = "Who manages it (API keys, the Key Server Token) once signed in with this address.")
        String adminEmail;

        @Option(names = "--domains", paramLabel = "a.org,b.org", defaultValue = "")
        String domains;

        @Option(names = "--members", paramLabel = "E,...", defaultValue = "")
        String members;

        @Override
        public Integer call() {
            Main main = enterprise.admin.main;
            try (Database db = host.open(main.env)) {
                db.migrate("accounts");
                String id;
                try {
                    id = new Enterprises(db.jdbi(), Clock.systemUTC()).create(name, adminEmail, list(domains),
                            list(members));
                } catch (IllegalArgumentException e) {
                    throw new Failures.UsageException(e.getMessage());
                }
                main.stdout.println("Created enterprise " + id + " (" + name + ") with admin " + adminEmail + ".");
                return ExitCode.OK;
            }
        }

        private static List<String> list(String csv) {
            return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
