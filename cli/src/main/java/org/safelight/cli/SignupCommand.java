package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.concurrent.Callable;
import org.safelight.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "signup", mixinStandardHelpOptions = true,
        description = {"Create a (free) account. A link to verify the email address is sent to it.",
            "The account password is asked for twice, or read from SAFELIGHT_PASSWORD in scripts.",
            "With --resend, ask for a new link for an account made before (the old one expired or went missing)."})
final class SignupCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--server", required = true, paramLabel = "URL",
            description = "The accounts server, e.g. https://safelight.example.org.")
    String serverText;

    @Option(names = "--email", required = true, paramLabel = "E")
    String email;

    @Option(names = "--first", paramLabel = "F", description = "First name (needed to sign up).")
    String first;

    @Option(names = "--last", paramLabel = "L", description = "Last name (needed to sign up).")
    String last;

    @Option(names = "--title", paramLabel = "T", defaultValue = "", description = "Title, e.g. Dr.")
    String title;

    @Option(names = "--country", paramLabel = "CC", defaultValue = "", description = "Two-letter country code.")
    String country;

    @Option(names = "--resend", description = "Send a new confirmation link to an account not yet confirmed.")
    boolean resend;

    @Override
    public Integer call() throws Exception {
        URI server = ServerUrl.parse(serverText, "--server");
        if (resend) {
            new ClientContext(main).accounts.resendVerification(server, email);
            main.stdout.println("If " + email + " has an account on " + server + " that is not confirmed yet, a new"
                    + " link is on its way to it (check the spam folder too). Open it, enter your password there,"
                    + " then: safelight login --server " + server + " --email " + email);
            return ExitCode.OK;
        }
        if (first == null || last == null) {
            throw new Failures.UsageException("signing up needs your name: --first F --last L (or --resend for a new"
                    + " confirmation link)");
        }
        String password = AccountPassword.choose(main.env, main.terminal,
                "Choose an account password (10 characters or more): ");
        JsonNode r = new ClientContext(main).accounts.signup(server, ApiClient.object().put("email", email)
                .put("password", password).put("first_name", first).put("last_name", last).put("title", title)
                .put("country", country));
        main.stdout.println("Account created for " + r.path("email").asText(email)
                + ". To confirm the address, open the link in the email we sent and enter this password there; then: safelight login --server "
                + server + " --email " + email);
        return ExitCode.OK;
    }
}
