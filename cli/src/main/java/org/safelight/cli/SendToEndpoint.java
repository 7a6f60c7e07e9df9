package org.safelight.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.safelight.cli.share.Recipient;
import org.safelight.client.EndpointSender;
import org.safelight.client.RefusedException;

/**
 * {@code safelight send FILE --to endpoint:URL}: the report itself posted to an institution's
 * endpoint as the signed-in user, with a token only that endpoint accepts. The endpoint's refusals
 * become one line naming what to do and an exit code (DESIGN §7): 4 for a file it cannot read, 5 for
 * a refusal, 1 for a failure to store that trying later can mend.
 */
final class SendToEndpoint {
    /** What to do about each refusal of the intake, by its error code. */
    private static final Map<String, String> WHAT_TO_DO = Map.of(
            "email_unverified", "confirm your email address with the link you were sent, then send again",
            "sender_not_allowed", "this institution takes reports only from the senders it lists: ask its IT team",
            "invalid_token", "sign in again with 'safelight login' and send again",
            "plain_over_http", "use the endpoint's https:// address, or seal the report first",
            "too_large", "the report is larger than this endpoint takes: ask its IT team",
            "report_id_conflict", "the endpoint holds another report with this ID: seal the report again",
            "storage_unavailable", "nothing was kept: try again later");

    private final SendCommand command;

    SendToEndpoint(SendCommand command) {
        this.command = command;
    }

    int send(Path file, Recipient.Endpoint to, boolean allowPlainHttp, ClientContext clients) throws IOException {
        EndpointSender sender = clients.endpoint;
        try {
            sender.check(to.url(), file, allowPlainHttp);
        } catch (EndpointSender.PlainOverHttpException e) {
            throw new Failures.UsageException(e.getMessage() + " (--allow-plain-http sends it anyway, for testing)");
        }
        String token = sender.token(to.url());
        String reportId;
        try {
            reportId = sender.post(to.url(), token, file);
        } catch (RefusedException r) {
            String hint = WHAT_TO_DO.get(r.code());
            command.err().println("safelight: the endpoint " + to.url() + " refused the report: " + r.getMessage()
                    + " (" + r.code() + ")" + (hint == null ? "" : "; " + hint));
            return exitCode(r);
        }
        command.main.stdout.println("Sent report " + reportId + " to " + to.url());
        command.recordSend(clients, reportId, to);
        return ExitCode.OK;
    }

    /** 4 a file the endpoint cannot read, 1 a failure to store (503 and other 5xx), 5 any other refusal. */
    static int exitCode(RefusedException r) {
        if (r.status() == 400 || "not_a_report".equals(r.code()) || "unsafe_zip".equals(r.code())) {
            return ExitCode.MALFORMED;
        }
        if (r.status() >= 500 && !org.safelight.client.EndpointSender.NOT_AN_ENDPOINT.equals(r.code())) {
            return ExitCode.FAILURE;
        }
        return ExitCode.REFUSED;
    }
}
