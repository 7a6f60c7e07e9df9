package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import org.safelight.format.report.DisplayDates;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "whoami", mixinStandardHelpOptions = true, description = "Show the signed-in account.")
final class WhoamiCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        ClientContext client = new ClientContext(main);
        JsonNode me = client.accounts.me();
        String name = String.join(" ", me.path("title").asText(""), me.path("first_name").asText(""),
                me.path("last_name").asText("")).trim();
        main.stdout.println(me.path("email").asText() + (name.isEmpty() ? "" : " (" + name + ")")
                + (me.path("email_verified").asBoolean() ? "" : " — email not verified yet (no link? safelight signup"
                        + " --resend --server " + client.accounts.current().server() + " --email "
                        + me.path("email").asText() + ")"));
        main.stdout.println("server: " + client.accounts.current().server());
        if (me.path("created_at").isTextual()) {
            main.stdout.println("account created: " + DisplayDates.iso(me.path("created_at").asText()));
        }
        String enterprise = me.path("enterprise").path("name").asText("");
        if (!enterprise.isEmpty()) {
            main.stdout.println("enterprise: " + enterprise);
        }
        return ExitCode.OK;
    }
}
