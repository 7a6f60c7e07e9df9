package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.concurrent.Callable;
import org.safelight.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "signup", mixinStandardHelpOptions = true,
        description = {"Create a (free) account. A link to verify the email address is sent to it.",
            "The password is asked for, or read from SAFELIGHT_PASSWORD."})
final class SignupCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The accounts server.")
    URI server;

    @Option(names = "--email", required = true, paramLabel = "E")
    String email;

    @Option(names = "--first", required = true, paramLabel = "F", description = "First name.")
    String first;

    @Option(names = "--last", required = true, paramLabel = "L", description = "Last name.")
    String last;

    @Option(names = "--title", paramLabel = "T", defaultValue = "", description = "Title, e.g. Dr.")
    String title;

    @Option(names = "--country", paramLabel = "CC", defaultValue = "", description = "Two-letter country code.")
    String country;

    @Override
    public Integer call() throws Exception {
        String password = AccountPassword.read(main.env, "Choose a password (10 characters or more): ");
        JsonNode r = new ClientContext(main).accounts.signup(server, ApiClient.object().put("email", email)
                .put("password", password).put("first_name", first).put("last_name", last).put("title", title)
                .put("country", country));
        main.stdout.println("Account created for " + r.path("email").asText(email)
                + ". To confirm the address, open the link in the email we sent and enter this password there; then: safelight login --server "
                + server + " --email " + email);
        return ExitCode.OK;
    }
}
