package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.safelight.client.ApiClient;
import org.safelight.client.InstitutionView;
import org.safelight.format.report.DisplayDates;
import org.safelight.format.report.ReportId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "endpoint", mixinStandardHelpOptions = true,
        description = "Reports an institution's endpoint received: all of them for its enterprise's admins,"
                + " your own for anyone else.",
        subcommands = {EndpointCommand.ListReports.class, EndpointCommand.Show.class, EndpointCommand.Retry.class})
final class EndpointCommand extends GroupCommand {
    @ParentCommand
    Main main;

    /** Options every endpoint subcommand shares. */
    abstract static class EndpointSubcommand implements Callable<Integer> {
        @ParentCommand
        EndpointCommand endpoint;

        @Option(names = "--endpoint", paramLabel = "URL",
                description = "The endpoint (default: the server you signed in to).")
        URI url;

        InstitutionView view() {
            ClientContext client = new ClientContext(endpoint.main);
            return new InstitutionView(ApiClient.create(), client.accounts);
        }

        PrintStream out() {
            return endpoint.main.stdout;
        }

        /** Runs a call, turning a bad endpoint URL into a usage error. */
        JsonNode call(Call c) throws IOException {
            try {
                return c.run(view());
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException(e.getMessage());
            }
        }

        interface Call {
            JsonNode run(InstitutionView view) throws IOException;
        }
    }

    /** Report commands: one report ID. */
    abstract static class ReportSubcommand extends EndpointSubcommand {
        @Parameters(index = "0", paramLabel = "REPORT_ID")
        String reportId;

        String report() {
            if (!ReportId.isValid(reportId)) {
                throw new Failures.UsageException("not a report ID: expected 1 to 64 letters, digits, '_' or '-'");
            }
            return reportId;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Received reports, newest first: when, report ID, sender, state, each destination.")
    static final class ListReports extends EndpointSubcommand {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N (1 to 200; default 50).")
        int limit;

        @Option(names = "--before", paramLabel = "TIME",
                description = "Only reports received before TIME (ISO-8601, as the 'next' hint prints it).")
        String before;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 200) {
                throw new Failures.UsageException("--limit is from 1 to 200");
            }
            Optional<Instant> since = Optional.empty();
            if (before != null) {
                try {
                    since = Optional.of(Instant.parse(before.strip()));
                } catch (DateTimeParseException e) {
                    throw new Failures.UsageException("--before is an ISO-8601 time such as 2026-11-27T14:05:00Z");
                }
            }
            Optional<Instant> b = since;
            JsonNode r = call(v -> v.list(url, b, limit));
            JsonNode reports = r.path("reports");
            boolean all = "all".equals(r.path("scope").asText());
            if (reports.isEmpty()) {
                out().println(all ? "The endpoint has received no reports" + (before == null ? "" : " before then") + "."
                        : "The endpoint holds no reports you sent" + (before == null ? "" : " before then") + ".");
                return ExitCode.OK;
            }
            for (JsonNode report : reports) {
                out().println(EndpointLines.row(report));
            }
            if (r.path("next").isTextual()) {
                out().println("More: safelight endpoint list --before " + r.path("next").asText()
                        + (url == null ? "" : " --endpoint " + url));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One received report: who sent it, when, how, and where each destination stands.")
    static final class Show extends ReportSubcommand {
        @Override
        public Integer call() throws Exception {
            String id = report();
            EndpointLines.details(call(v -> v.show(url, id))).forEach(out()::println);
            return ExitCode.OK;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Try a report's parked steps again now (the endpoint's enterprise admins only).")
    static final class Retry extends ReportSubcommand {
        @Override
        public Integer call() throws Exception {
            String id = report();
            JsonNode r = call(v -> v.retry(url, id));
            int retried = r.path("retried").asInt();
            out().println(retried == 0
                    ? "Nothing of report " + id + " was parked: nothing to retry."
                    : "Report " + id + ": " + retried + (retried == 1 ? " step" : " steps")
                            + " will be tried again now.");
            EndpointLines.details(r.path("report")).forEach(out()::println);
            return ExitCode.OK;
        }
    }

    /** How the endpoint's answers read on a terminal. */
    static final class EndpointLines {
        private EndpointLines() {
        }

        /** "27 November 2026, 14:05  R-1  ada@hospital.org  delivered  folder delivered, forward parked". */
        static String row(JsonNode r) {
            List<String> destinations = new ArrayList<>();
            for (JsonNode d : r.path("deliveries")) {
                destinations.add(d.path("destination").asText() + " " + d.path("status").asText());
            }
            return String.format("%-26s %-36s %-30s %-9s %s", DisplayDates.iso(r.path("received_at").asText()),
                    r.path("report_id").asText(), sender(r), r.path("state").asText(),
                    destinations.isEmpty() ? "-" : String.join(", ", destinations)).stripTrailing();
        }

        static List<String> details(JsonNode r) {
            List<String> lines = new ArrayList<>();
            lines.add("Report " + r.path("report_id").asText());
            lines.add("  received:  " + DisplayDates.iso(r.path("received_at").asText()) + " by "
                    + ("mailbox".equals(r.path("source").asText()) ? "mail" : "HTTPS") + ", " + r.path("kind").asText()
                    + " report, " + r.path("size").asLong() + " bytes");
            lines.add("  sender:    " + sender(r));
            lines.add("  state:     " + r.path("state").asText()
                    + (r.path("last_error").isTextual() ? " (" + r.path("last_error").asText() + ")" : ""));
            for (JsonNode d : r.path("deliveries")) {
                StringBuilder line = new StringBuilder("  " + d.path("destination").asText() + ": "
                        + d.path("status").asText() + ", " + d.path("attempts").asInt()
                        + (d.path("attempts").asInt() == 1 ? " attempt" : " attempts"));
                if (d.path("delivered_at").isTextual()) {
                    line.append(", delivered ").append(DisplayDates.iso(d.path("delivered_at").asText()));
                } else if (d.path("next_attempt_at").isTextual()) {
                    line.append(", next try ").append(DisplayDates.iso(d.path("next_attempt_at").asText()));
                }
                if (d.path("last_error").isTextual()) {
                    line.append("; last error: ").append(d.path("last_error").asText());
                }
                lines.add(line.toString());
            }
            if ("parked".equals(r.path("state").asText()) || hasParked(r)) {
                lines.add("  Parked: an admin can run 'safelight endpoint retry " + r.path("report_id").asText() + "'.");
            }
            return lines;
        }

        private static boolean hasParked(JsonNode r) {
            for (JsonNode d : r.path("deliveries")) {
                if ("parked".equals(d.path("status").asText())) {
                    return true;
                }
            }
            return false;
        }

        private static String sender(JsonNode r) {
            String email = r.path("sender_email").asText("");
            return email.isEmpty() ? "(unknown sender)"
                    : email + (r.path("sender_verified").asBoolean() ? "" : " (unconfirmed, by mail)");
        }
    }
}
