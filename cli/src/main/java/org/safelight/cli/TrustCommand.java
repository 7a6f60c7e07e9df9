package org.safelight.cli;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.safelight.client.Credentials;
import org.safelight.client.KeyServerTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Key servers your sign-in may be used at, besides the server you signed in to.",
            "'open' and 'send' ask a report's key server for its key only if it is trusted; for any other they stop"
                + " before connecting. Kept (mode 0600) beside the sign-in in $XDG_CONFIG_HOME/safelight, as origins:"
                + " a path in the URL does not matter. Plain http only for the server you signed in to or this"
                + " computer."},
        subcommands = {TrustCommand.Add.class, TrustCommand.ListCommand.class, TrustCommand.Remove.class})
final class TrustCommand extends GroupCommand {
    @ParentCommand
    Main main;

    static Optional<Credentials> signedIn(Main main) throws IOException {
        return Credentials.load(main.env);
    }

    static KeyServerTrust trust(Main main) throws IOException {
        return KeyServerTrust.load(main.env, List.of());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Trust a key server.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        TrustCommand trust;

        @Parameters(index = "0", paramLabel = "KEY_SERVER_URL")
        String url;

        @Override
        public Integer call() throws Exception {
            String origin;
            try {
                origin = trust(trust.main).add(url, signedIn(trust.main).map(Credentials::server).orElse(null));
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException("cannot trust it: " + e.getMessage());
            }
            trust.main.stdout.println("Trusted " + origin + ": your sign-in may be used there to ask for report keys.");
            return ExitCode.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The trusted key servers.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        TrustCommand trust;

        @Override
        public Integer call() throws Exception {
            Optional<Credentials> home = signedIn(trust.main);
            if (home.isPresent()) {
                trust.main.stdout.println(KeyServerTrust.origin(home.get().server()) + " (signed in)");
            }
            for (String origin : trust(trust.main).listed()) {
                trust.main.stdout.println(origin);
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop trusting a key server.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        TrustCommand trust;

        @Parameters(index = "0", paramLabel = "KEY_SERVER_URL")
        String url;

        @Override
        public Integer call() throws Exception {
            boolean removed;
            try {
                removed = trust(trust.main).remove(url);
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException(e.getMessage());
            }
            String origin = KeyServerTrust.origin(url);
            trust.main.stdout.println(removed ? "No longer trusted: " + origin + "." : origin + " was not trusted.");
            return ExitCode.OK;
        }
    }
}
