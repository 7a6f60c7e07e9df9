package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.concurrent.Callable;
import org.safelight.client.ApiClient;
import org.safelight.client.Credentials;
import org.safelight.format.report.DisplayDates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "enterprise", mixinStandardHelpOptions = true,
        description = {"Your enterprise's credentials, as its signed-in admin. 'new' prints only the secret on",
            "standard output (shown once only; the note goes to standard error), so a script can capture it."},
        subcommands = {EnterpriseCommand.ApiKey.class, EnterpriseCommand.KeyServerToken.class})
final class EnterpriseCommand extends GroupCommand {
    @ParentCommand
    Main main;

    /** One kind of enterprise credential: its route and its name in answers. */
    abstract static class Credential implements Callable<Integer> {
        @ParentCommand
        EnterpriseCommand enterprise;

        @Parameters(index = "0", paramLabel = "new|list|revoke")
        String action;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "For revoke.")
        String id;

        @Option(names = "--label", paramLabel = "TEXT",
                description = "For new: what it is for, one line (\"sync on the EMR host\"); shown in lists and on the enterprise page.")
        String label;

        @Spec
        CommandSpec spec;

        abstract String route();

        abstract String field();

        abstract String what();

        @Override
        public Integer call() throws Exception {
            ClientContext client = new ClientContext(enterprise.main);
            Credentials me = client.accounts.current();
            ApiClient api = ApiClient.create();
            URI base = URI.create(me.server()).resolve(route());
            switch (action) {
                case "new" -> {
                    ObjectNode body = JsonNodeFactory.instance.objectNode();
                    if (label != null) {
                        body.put("label", label);
                    }
                    JsonNode r = api.post(base, me.accessToken(), body);
                    // only the secret on stdout, so that KEY=$(safelight enterprise api-key new) captures it
                    enterprise.main.stdout.println(r.path(field()).asText());
                    enterprise.main.stdout.flush();
                    spec.commandLine().getErr().println(what() + " " + r.path("id").asText()
                            + ": shown once only. Store it in your secrets manager now.");
                }
                case "list" -> {
                    JsonNode r = api.get(base, me.accessToken());
                    for (JsonNode k : r.path(field() + "s")) {
                        String used = k.hasNonNull("last_used_at")
                                ? "last used " + when(k.path("last_used_at").asText()) : "never used";
                        enterprise.main.stdout.printf("%-20s %s…%s  created %s, %s%s%s%n", k.path("id").asText(),
                                k.path("prefix").asText(), k.path("last4").asText(),
                                when(k.path("created_at").asText()), used,
                                k.path("label").asText().isEmpty() ? "" : "  \"" + k.path("label").asText() + "\"",
                                k.path("revoked").asBoolean() ? "  (revoked)" : "");
                    }
                }
                case "revoke" -> {
                    if (id == null) {
                        throw new Failures.UsageException("revoke needs the ID (see 'list')");
                    }
                    api.delete(URI.create(base + "/" + id), me.accessToken());
                    enterprise.main.stdout.println("Revoked " + what() + " " + id + ".");
                }
                default -> throw new Failures.UsageException("say new, list or revoke");
            }
            return ExitCode.OK;
        }
    }

    /** An ISO instant from the server, in this computer's time zone ("27 November 2026, 14:05"). */
    static String when(String iso) {
        return DisplayDates.iso(iso);
    }

    @Command(name = "api-key", mixinStandardHelpOptions = true,
            description = "API keys list and download the enterprise's users' cloud reports.")
    static final class ApiKey extends Credential {
        @Override
        String route() {
            return "/api/v1/enterprise/api-keys";
        }

        @Override
        String field() {
            return "api_key";
        }

        @Override
        String what() {
            return "API key";
        }
    }

    @Command(name = "key-server-token", mixinStandardHelpOptions = true,
            description = "The Key Server Token lets the enterprise's key server and sync script act for it (audited).")
    static final class KeyServerToken extends Credential {
        @Override
        String route() {
            return "/api/v1/enterprise/key-server-tokens";
        }

        @Override
        String field() {
            return "key_server_token";
        }

        @Override
        String what() {
            return "Key Server Token";
        }
    }
}
