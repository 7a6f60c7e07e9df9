package org.safelight.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code safelight admin signing-keys list|rotate|retire}: the keys that sign user tokens. */
@Command(name = "signing-keys", mixinStandardHelpOptions = true,
        description = {"The keys that sign user tokens, kept in the database (private parts sealed under the master",
            "key) and shared by every instance of the accounts role on it. Instances read them again every",
            "30 seconds, and at once when a token names a key they do not hold."},
        subcommands = {SigningKeysCommand.KeyList.class, SigningKeysCommand.Rotate.class, SigningKeysCommand.Retire.class})
final class SigningKeysCommand extends GroupCommand {
    @ParentCommand
    AdminCommand admin;

    /** What every subcommand shares: the server's database and master key. */
    abstract static class Operation implements Callable<Integer> {
        @ParentCommand
        SigningKeysCommand group;

        @Mixin
        HostOptions host;

        @Mixin
        MasterKeyOptions masterKey;

        abstract int run(SigningKeys keys, java.io.PrintStream out);

        @Override
        public Integer call() {
            java.util.Map<String, String> env = group.admin.main.env;
            // before the database is opened: without a master key nothing here can be read
            MasterKey master = masterKey.load(host.dataDir, env, "the signing keys are sealed under it");
            try (Database db = host.open(env)) {
                db.migrate("accounts");
                SigningKeys keys = SigningKeys.open(db, master, host.dataDir, Clock.systemUTC());
                try {
                    return run(keys, group.admin.main.stdout);
                } catch (IllegalArgumentException e) {
                    throw new Failures.UsageException(e.getMessage());
                }
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every key: its id, when it was made, and whether it signs (current) or only verifies.")
    static final class KeyList extends Operation {
        @Override
        int run(SigningKeys keys, java.io.PrintStream out) {
            for (SigningKeys.KeyInfo k : keys.list()) {
                out.println(k.kid() + "  made " + k.createdAt() + "  " + (!k.trusted()
                        ? "IGNORED: its sealed private part does not open under this master key to a key with this"
                                + " id (not made by Safelight?); retire it with --force"
                        : k.current() ? "current (signs new tokens)"
                        : "verifies only" + k.supersededAt().map(at -> ", since " + at).orElse("")));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Make a new current key. Every instance signs with it within 30 seconds; the old keys",
                "keep verifying the tokens they signed until you retire them (their tokens live at most",
                "15 minutes)."})
    static final class Rotate extends Operation {
        @Override
        int run(SigningKeys keys, java.io.PrintStream out) {
            String kid = keys.rotate();
            out.println("New current signing key " + kid + ". Retire the previous one after "
                    + Clock.systemUTC().instant().plus(SigningKeys.TOKENS_OUTLIVE_KEY).truncatedTo(
                            java.time.temporal.ChronoUnit.SECONDS) + " ('safelight admin signing-keys retire KID').");
            return ExitCode.OK;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Delete an old key: tokens it signed stop verifying on every instance (within a minute).",
                "Refuses the current key (rotate first) and a key whose tokens may still be alive, unless --force",
                "(for a key that leaked: its users sign in again)."})
    static final class Retire extends Operation {
        @Parameters(index = "0", paramLabel = "KID", description = "The key id, as 'list' shows it.")
        String kid;

        @Option(names = "--force", description = "Retire it even though tokens it signed may still be in use.")
        boolean force;

        @Override
        int run(SigningKeys keys, java.io.PrintStream out) {
            keys.retire(kid, force);
            out.println("Retired signing key " + kid + ".");
            return ExitCode.OK;
        }
    }
}
