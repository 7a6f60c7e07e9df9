package org.safelight.accounts.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/**
 * The signed-in user's list of reports, one row per report, and the sends their clients record on it:
 * <pre>
 * GET  /api/v1/accounts/me/reports                      → {reports: [{report_id, first_sent_at, last_sent_at,
 *      keyserver_url?, link?, download_url?, region?, uploaded_at?, expires_at?, expired, size?, sends: [{channel,
 *      recipient?, sent_at}]}]}, the most recently sent first; sends newest first
 * POST /api/v1/accounts/me/reports/{reportId}/sends     {channel, recipient?} → 204
 *      400 bad_request (channel not one of cloud, sms, whatsapp, email, endpoint, fhir, box, dropbox; a recipient that
 *      channel cannot have), 400 invalid_report_id, 401, 429 rate_limited (too many sends on record)
 * </pre>
 * Recipients are personal data: they are shown to their sender only and never logged or quoted in an
 * error. Patient details are never stored here. Thread-safe.
 */
public final class MyReportsHandlers {
    private static final Pattern REPORT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final UploadLog uploads;
    private final ReportSends sends;
    private final TokenVerifier verifier;
    private final Clock clock;

    public MyReportsHandlers(UploadLog uploads, ReportSends sends, TokenVerifier verifier, Clock clock) {
        this.uploads = uploads;
        this.sends = sends;
        this.verifier = verifier;
        this.clock = clock;
    }

    public void mine(Context ctx) {
        UserToken user = verifier.fromRequest(ctx);
        Instant now = clock.instant();
        List<MyReport> rows = MyReport.assemble(uploads.ofUser(user.userId()),
                sends.ofUser(user.userId(), now.minus(ReportSends.KEPT_FOR)), now);
        List<Map<String, Object>> reports = new ArrayList<>();
        for (MyReport r : rows.subList(0, Math.min(rows.size(), UploadLog.MAX_LISTED))) {
            reports.add(row(r));
        }
        ctx.header("Cache-Control", "no-store").json(Map.of("reports", reports));
    }

    private static Map<String, Object> row(MyReport r) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("report_id", r.reportId());
        item.put("first_sent_at", r.firstSentAt().toString());
        item.put("last_sent_at", r.lastSentAt().toString());
        if (r.keyServerUrl() != null) {
            item.put("keyserver_url", r.keyServerUrl());
        }
        if (r.liveUpload() != null) {
            item.put("link", r.liveUpload().link());
            item.put("download_url", r.liveUpload().downloadUrl());
            item.put("region", r.liveUpload().region());
        }
        if (r.newestUpload() != null) {
            // uploaded_at: for clients written before sends were recorded (last_sent_at supersedes it)
            item.put("uploaded_at", r.newestUpload().uploadedAt().toString());
            item.put("expires_at", r.newestUpload().expiresAt().toString());
            item.put("size", r.newestUpload().size());
        }
        item.put("expired", r.expired());
        List<Map<String, Object>> sent = new ArrayList<>();
        for (ReportSend s : r.sends()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("channel", s.channel().code());
            if (s.recipient() != null) {
                one.put("recipient", s.recipient());
            }
            one.put("sent_at", s.sentAt().toString());
            sent.add(one);
        }
        item.put("sends", sent);
        return item;
    }

    /** Records that the user's report went somewhere; what to show on their list, nothing more. */
    public void recordSend(Context ctx) {
        UserToken user = verifier.fromRequest(ctx);
        String reportId = ctx.pathParam("reportId");
        if (!REPORT_ID.matcher(reportId).matches()) {
            throw new ApiException(ErrorCode.INVALID_REPORT_ID, "a report ID is 1 to 64 letters, digits, '_' or '-'");
        }
        JsonNode body = Json.body(ctx);
        JsonNode channelNode = body.get("channel");
        SendChannel channel = (channelNode != null && channelNode.isTextual() ? SendChannel.of(channelNode.asText())
                : Optional.<SendChannel>empty()).orElseThrow(() -> ApiException.badRequest(
                "'channel' must be one of cloud, sms, whatsapp, email, endpoint, fhir, box, dropbox"));
        JsonNode recipientNode = body.get("recipient");
        String recipient = null;
        if (recipientNode != null && !recipientNode.isNull()) {
            // Never quote the recipient back: it is personal data, and error messages may be logged.
            recipient = (recipientNode.isTextual() ? channel.recipient(recipientNode.asText())
                    : Optional.<String>empty()).orElseThrow(() -> ApiException.badRequest(
                    "'recipient' is not " + expected(channel)));
        }
        if (!sends.record(user.userId(), reportId, new ReportSend(channel, recipient, clock.instant()))) {
            throw new ApiException(ErrorCode.RATE_LIMITED, "too many sends are on record for this account; older ones"
                    + " are forgotten " + ReportSends.KEPT_FOR.toDays() + " days after they were made");
        }
        ctx.status(204);
    }

    private static String expected(SendChannel channel) {
        return switch (channel) {
            case CLOUD, BOX, DROPBOX -> "given for " + channel.code() + ": leave it out";
            case SMS, WHATSAPP -> "a phone number in international form (+ and 8 to 15 digits)";
            case EMAIL -> "an email address";
            case ENDPOINT, FHIR -> "an http(s) URL without user name or password, up to "
                    + SendChannel.MAX_RECIPIENT + " characters";
        };
    }
}
