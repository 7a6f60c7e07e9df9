package org.safelight.cli;

import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "password", mixinStandardHelpOptions = true,
        description = "Your account password (not a report's key).", subcommands = PasswordCommand.Reset.class)
final class PasswordCommand extends GroupCommand {
    @ParentCommand
    Main main;

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Forgot your account password? Ask the server to email a link to choose a new one."})
    static final class Reset implements Callable<Integer> {
        @ParentCommand
        PasswordCommand password;

        @Option(names = "--server", required = true, paramLabel = "URL",
                description = "The accounts server, e.g. https://safelight.example.org.")
        String serverText;

        @Option(names = "--email", required = true, paramLabel = "E", description = "The account's email address.")
        String email;

        @Override
        public Integer call() throws Exception {
            URI server = ServerUrl.parse(serverText, "--server");
            Main main = password.main;
            new ClientContext(main).accounts.requestPasswordReset(server, email);
            main.stdout.println("If " + email + " has an account on " + server + ", a link to choose a new password"
                    + " is on its way to it (check the spam folder too). Open it and choose the new password there;"
                    + " then: safelight login --server " + server + " --email " + email);
            return ExitCode.OK;
        }
    }
}
