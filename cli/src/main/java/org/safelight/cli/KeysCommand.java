package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.format.report.DisplayDates;
import org.safelight.format.report.ReportId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "A report's key on its key server.",
        subcommands = {KeysCommand.Log.class, KeysCommand.Revoke.class})
final class KeysCommand extends GroupCommand {
    @ParentCommand
    Main main;

    /** Options every keys subcommand shares. */
    abstract static class ReportCommand implements Callable<Integer> {
        @ParentCommand
        KeysCommand keys;

        @Parameters(index = "0", paramLabel = "REPORT_ID")
        String reportId;

        @Option(names = {"--key-server", "--keyserver"}, paramLabel = "URL",
                description = "The key server (default: the server you signed in to); naming it trusts it for"
                        + " this command.")
        URI keyserver;

        ClientContext client() {
            return new ClientContext(keys.main, keyserver == null ? List.of() : List.of(keyserver.toString()));
        }

        URI keyServer(ClientContext client) throws IOException {
            return keyserver != null ? keyserver : URI.create(client.accounts.current().server());
        }

        ReportId report() {
            if (!ReportId.isValid(reportId)) {
                throw new Failures.UsageException("not a report ID: expected 1 to 64 letters, digits, '_' or '-'");
            }
            return new ReportId(reportId);
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = "Who asked for the report's key, when, and whether they got it.")
    static final class Log extends ReportCommand {
        @Override
        public Integer call() throws Exception {
            ClientContext client = client();
            JsonNode r = client.keyServer.accesses(keyServer(client), report());
            JsonNode list = r.has("accesses") ? r.get("accesses") : r;
            if (r.path("revoked_at").isTextual()) {
                keys.main.stdout.println("Report " + reportId + " was revoked on "
                        + DisplayDates.iso(r.path("revoked_at").asText()) + ".");
            }
            if (!list.isArray() || list.isEmpty()) {
                keys.main.stdout.println("No one has asked for the key of report " + reportId + " yet.");
                return ExitCode.OK;
            }
            for (JsonNode a : list) {
                keys.main.stdout.printf("%-25s %-36s %-14s %s%n", DisplayDates.iso(a.path("time").asText()),
                        // an enterprise's Key Server Token has no email: its actor is enterprise:{id}
                        a.path("email").asText().isEmpty() ? a.path("user_id").asText() : a.path("email").asText(),
                        a.path("action").asText(), a.path("outcome").asText());
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke the report's key: nobody gets it from now on (as its sender).")
    static final class Revoke extends ReportCommand {
        @Override
        public Integer call() throws Exception {
            ClientContext client = client();
            JsonNode r = client.keyServer.revoke(keyServer(client), report());
            String when = DisplayDates.iso(r.path("revoked_at").asText(""));
            if (r.path("already_revoked").asBoolean()) {
                keys.main.stdout.println("Report " + reportId + " was already revoked"
                        + (when.isEmpty() ? "" : " on " + when) + ": nobody gets its key.");
            } else {
                keys.main.stdout.println("Revoked report " + reportId + (when.isEmpty() ? "" : " on " + when)
                        + ": its key will not be given to anyone again.");
            }
            return ExitCode.OK;
        }
    }
}
