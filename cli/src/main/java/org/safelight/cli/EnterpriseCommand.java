package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.concurrent.Callable;
import org.safelight.cli.client.ApiClient;
import org.safelight.cli.client.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "enterprise", mixinStandardHelpOptions = true,
        description = "Your enterprise's credentials, as its signed-in admin. A new secret is shown once only.",
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
                    JsonNode r = api.post(base, me.accessToken(), null);
                    enterprise.main.stdout.println(r.path(field()).asText());
                    enterprise.main.stdout.println("# " + what() + " " + r.path("id").asText()
                            + ": shown once only. Store it in your secrets manager now.");
                }
                case "list" -> {
                    JsonNode r = api.get(base, me.accessToken());
                    for (JsonNode k : r.path(field() + "s")) {
                        enterprise.main.stdout.printf("%-20s created %-25s …%s%s%n", k.path("id").asText(),
                                k.path("created_at").asText(), k.path("last4").asText(),
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
