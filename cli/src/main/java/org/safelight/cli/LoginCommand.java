package org.safelight.cli;

import java.net.URI;
import java.util.concurrent.Callable;
import org.safelight.client.Credentials;
import org.safelight.client.RefusedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in; the sign-in is kept (mode 0600) in $XDG_CONFIG_HOME/safelight.",
            "The account password is asked for, or read from SAFELIGHT_PASSWORD.",
            "Forgot it? safelight password reset --server URL --email E"})
final class LoginCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--server", required = true, paramLabel = "URL",
            description = "The accounts server, e.g. https://safelight.example.org.")
    String serverText;

    @Option(names = "--email", required = true, paramLabel = "E")
    String email;

    @Override
    public Integer call() throws Exception {
        URI server = ServerUrl.parse(serverText, "--server");
        String password = AccountPassword.read(main.env, main.terminal, "Account password for " + email + ": ");
        Credentials c;
        try {
            c = new ClientContext(main).accounts.signin(server, email, password);
        } catch (RefusedException e) {
            // the command that helps next, named with what was typed
            String next = switch (e.code()) {
                case "invalid_credentials" -> "; forgot the password? safelight password reset --server " + server
                        + " --email " + email;
                case "email_unverified" -> "; no link, or it expired? safelight signup --resend --server " + server
                        + " --email " + email;
                default -> "";
            };
            throw new RefusedException(e.status(), e.code(), e.getMessage() + next);
        }
        main.stdout.println("Signed in to " + c.server() + " as " + c.email() + ".");
        return ExitCode.OK;
    }
}
