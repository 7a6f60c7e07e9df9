package org.safelight.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.accounts.enterprise.EnterpriseWarnings;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.enterprise.RecentReports;
import org.safelight.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "admin", mixinStandardHelpOptions = true,
        description = {"Operator commands, run on the server's host. They read the server's configuration as",
            "'serve' does: --data-dir, --database-url, SAFELIGHT_* in the environment, --config FILE."},
        subcommands = {AdminCommand.Enterprise.class, SigningKeysCommand.class})
final class AdminCommand extends GroupCommand {
    @ParentCommand
    Main main;

    @Command(name = "enterprise", mixinStandardHelpOptions = true, description = "Enterprises (institutions).",
            subcommands = {Create.class, EnterpriseList.class, Show.class, Update.class, AttachReports.class})
    static final class Enterprise extends GroupCommand {
        @ParentCommand
        AdminCommand admin;
    }

    /** What every enterprise subcommand shares: the server's storage and the streams. */
    abstract static class Operation implements Callable<Integer> {
        @ParentCommand
        Enterprise enterprise;

        @Mixin
        HostOptions host;

        @Spec
        CommandSpec spec;

        Main main() {
            return enterprise.admin.main;
        }

        abstract int run(Database db, Enterprises enterprises);

        @Override
        public Integer call() {
            try (Database db = host.open(main().env)) {
                db.migrate("accounts");
                try {
                    return run(db, new Enterprises(db.jdbi(), Clock.systemUTC()));
                } catch (IllegalArgumentException e) {
                    throw new Failures.UsageException(e.getMessage());
                }
            }
        }

        org.safelight.accounts.enterprise.Enterprise named(Enterprises enterprises, String idOrName) {
            return enterprises.named(idOrName).orElseThrow(() -> new Failures.UsageException("no enterprise '"
                    + idOrName + "' (see 'safelight admin enterprise list')"));
        }

        /** Warnings, and the hint to attach earlier reports, on stderr: stdout stays one line. */
        void afterChange(Database db, Enterprises enterprises, org.safelight.accounts.enterprise.Enterprise e) {
            PrintWriter err = spec.commandLine().getErr();
            for (String warning : new EnterpriseWarnings(db.jdbi()).of(e)) {
                err.println("safelight: warning: " + warning);
            }
            int unattached = new RecentReports(db.jdbi(), enterprises, Clock.systemUTC())
                    .unattached(e.id(), RecentReports.MAX_DAYS);
            if (unattached > 0) {
                err.println("safelight: " + unattached + (unattached == 1 ? " report" : " reports") + " its members sent"
                        + " in the last " + RecentReports.MAX_DAYS + " days " + (unattached == 1 ? "has" : "have")
                        + " no enterprise; attach them with: safelight admin enterprise attach-reports " + e.id());
            }
        }

        static List<String> list(String csv) {
            return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        static String describe(org.safelight.accounts.enterprise.Enterprise e) {
            return e.name() + " (" + e.id() + "): admin " + e.adminEmail() + ", domains "
                    + (e.domains().isEmpty() ? "none" : String.join(",", e.domains())) + ", "
                    + e.members().size() + (e.members().size() == 1 ? " listed member" : " listed members");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an enterprise with its admin and its members, who get the PRO licence.",
                "Members are users with a verified address at one of the domains, or in the list.",
                "Warns on stderr about webmail domains and an admin address with no account yet."})
    static final class Create extends Operation {
        @Option(names = "--name", required = true, paramLabel = "N", description = "What people call it.")
        String name;

        @Option(names = "--admin", required = true, paramLabel = "EMAIL",
                description = "Who manages it (API keys, the Key Server Token) once signed in with this address.")
        String adminEmail;

        @Option(names = "--domains", paramLabel = "a.org,b.org", defaultValue = "",
                description = "Every verified address at these domains is a member (not for webmail: use --members).")
        String domains;

        @Option(names = "--members", paramLabel = "E,...", defaultValue = "",
                description = "Member addresses one by one (people outside the domains, or at a webmail domain).")
        String members;

        @Override
        int run(Database db, Enterprises enterprises) {
            String id = enterprises.create(name, adminEmail, list(domains), list(members));
            main().stdout.println("Created enterprise " + id + " (" + name.strip() + ") with admin "
                    + adminEmail.strip() + ".");
            afterChange(db, enterprises, enterprises.find(id).orElseThrow());
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every enterprise, one a line.")
    static final class EnterpriseList extends Operation {
        @Override
        int run(Database db, Enterprises enterprises) {
            List<org.safelight.accounts.enterprise.Enterprise> all = enterprises.list();
            if (all.isEmpty()) {
                main().stdout.println("No enterprises yet ('safelight admin enterprise create').");
            }
            for (org.safelight.accounts.enterprise.Enterprise e : all) {
                main().stdout.println(describe(e));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One enterprise: its admin, domains and members.")
    static final class Show extends Operation {
        @Parameters(index = "0", paramLabel = "ENTERPRISE", description = "Its id or its name.")
        String which;

        @Override
        int run(Database db, Enterprises enterprises) {
            org.safelight.accounts.enterprise.Enterprise e = named(enterprises, which);
            var out = main().stdout;
            out.println("name:     " + e.name());
            out.println("id:       " + e.id());
            out.println("admin:    " + e.adminEmail());
            out.println("domains:  " + (e.domains().isEmpty() ? "none" : String.join(", ", e.domains())));
            out.println("members:  " + (e.members().isEmpty() ? "none listed" : String.join(", ", e.members())));
            out.println("licence:  " + (e.pro() ? "PRO" : "none"));
            out.println("created:  " + EnterpriseCommand.when(e.createdAt().toString()));
            return ExitCode.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Change an enterprise: what is given replaces what was (--members '' empties the list).",
                "Membership follows at once, for keys and uploads made from now on."})
    static final class Update extends Operation {
        @Parameters(index = "0", paramLabel = "ENTERPRISE", description = "Its id or its present name.")
        String which;

        @Option(names = "--name", paramLabel = "N", description = "A new name.")
        String name;

        @Option(names = "--admin", paramLabel = "EMAIL", description = "A new admin address.")
        String adminEmail;

        @Option(names = "--domains", paramLabel = "a.org,b.org", description = "The domains, replacing the old ones.")
        String domains;

        @Option(names = "--members", paramLabel = "E,...", description = "The member list, replacing the old one.")
        String members;

        @Override
        int run(Database db, Enterprises enterprises) {
            org.safelight.accounts.enterprise.Enterprise e = named(enterprises, which);
            if (name == null && adminEmail == null && domains == null && members == null) {
                throw new Failures.UsageException("say what to change: --name, --admin, --domains or --members");
            }
            org.safelight.accounts.enterprise.Enterprise updated = enterprises.update(e.id(), name, adminEmail,
                    domains == null ? null : list(domains), members == null ? null : list(members));
            main().stdout.println("Updated " + describe(updated) + ".");
            afterChange(db, enterprises, updated);
            return ExitCode.OK;
        }
    }

    @Command(name = "attach-reports", mixinStandardHelpOptions = true,
            description = {"Attach to an enterprise the reports its members sent in the last days that were recorded",
                "without one (sent before the enterprise existed or before they joined it), so that its sync",
                "lists them and its Key Server Token opens them."})
    static final class AttachReports extends Operation {
        @Parameters(index = "0", paramLabel = "ENTERPRISE", description = "Its id or its name.")
        String which;

        @Option(names = "--days", paramLabel = "N", defaultValue = "7",
                description = "How far back, 1 to 7: the cloud keeps reports 7 days (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        int run(Database db, Enterprises enterprises) {
            org.safelight.accounts.enterprise.Enterprise e = named(enterprises, which);
            RecentReports recent = new RecentReports(db.jdbi(), enterprises, Clock.systemUTC());
            int attached = recent.attach(e.id(), days);
            main().stdout.println("Attached " + attached + (attached == 1 ? " report" : " reports") + " of the last "
                    + days + (days == 1 ? " day" : " days") + " to " + e.name() + ".");
            List<String> elsewhere = recent.rolesElsewhere();
            if (attached > 0 && !elsewhere.isEmpty()) {
                spec.commandLine().getErr().println("safelight: warning: the " + String.join(" and ", elsewhere)
                        + " role's tables are not in this database, so the enterprise's sync lists these reports but cannot "
                        + (elsewhere.contains("cloud") ? "download" : "open") + " them; attaching works fully"
                        + " where accounts, cloud and keys share one database");
            }
            return ExitCode.OK;
        }
    }
}
