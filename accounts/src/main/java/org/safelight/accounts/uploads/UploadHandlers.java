package org.safelight.accounts.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.safelight.accounts.enterprise.EnterpriseCredentials;
import org.safelight.accounts.internal.PublicUrl;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.tokens.Origin;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/**
 * The report lists over HTTP:
 * <pre>
 * POST /api/v1/accounts/me/reports            a cloud role in another process records the user's upload:
 *                                             the service credential ({@link ServiceCredential#HEADER}) says
 *                                             the cloud role calls, the user's own token says whose upload it
 *                                             is; the links must be this server's. A user alone is refused.
 * GET  /api/v1/enterprise/reports?after=&amp;limit=   (Bearer slak_...) the enterprise's live uploads, oldest first
 * </pre>
 * Thread-safe.
 */
public final class UploadHandlers {
    private static final int DEFAULT_LIMIT = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{22}-([A-Za-z0-9_-]{1,64})");
    private static final Pattern REGION = Pattern.compile("AU|CA|DE|IE|UK|US");
    private static final Duration LIFETIME = Duration.ofDays(7);

    private final UploadRecording recording;
    private final UploadLog log;
    private final EnterpriseCredentials credentials;
    private final TokenVerifier verifier;
    private final PublicUrl publicUrl;
    private final ServiceCredential cloudService;
    private final Clock clock;

    /**
     * @param cloudService the credential a cloud role in another process sends; {@link ServiceCredential#NONE}
     *                     when the cloud role runs in this process (it then writes the log directly)
     */
    public UploadHandlers(UploadLog log, UploadRecording recording, EnterpriseCredentials credentials,
                          TokenVerifier verifier, PublicUrl publicUrl, ServiceCredential cloudService, Clock clock) {
        this.log = log;
        this.recording = recording;
        this.cloudService = cloudService;
        this.credentials = credentials;
        this.verifier = verifier;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /**
     * Body {@code {report_id, region, link, download_url, size, expires_at, keyserver_url?}} → 201 with
     * the same and {@code enterprise_id} (the sender's enterprise now, {@code ""} for none). Only the
     * cloud role writes the log: without the service credential the answer is 403 {@code
     * service_only}, whatever token comes with it, so a user cannot add entries of their own making.
     * The token says only who sends; whether their address is confirmed and which enterprise they
     * are in come from their account now ({@link UploadRecording}).
     */
    public void record(Context ctx) {
        if (!cloudService.matches(ctx)) {
            throw new ApiException(ErrorCode.SERVICE_ONLY, "only the cloud role records uploads");
        }
        UserToken user = verifier.fromRequest(ctx);
        JsonNode body = Json.body(ctx);
        String reportId = Json.text(body, "report_id");
        String region = Json.text(body, "region");
        String link = Json.text(body, "link");
        String downloadUrl = Json.text(body, "download_url");
        String prefix = publicUrl.resolve("/app/report/" + region + "/");
        if (!REGION.matcher(region).matches() || !link.startsWith(prefix)) {
            throw ApiException.badRequest("the link is not one of this server's cloud links");
        }
        String name = link.substring(prefix.length());
        Matcher m = NAME.matcher(name);
        if (!m.matches() || !m.group(1).equals(reportId)
                || !downloadUrl.equals(publicUrl.resolve("/api/v1/cloud/reports/" + region + "/" + name))) {
            throw ApiException.badRequest("the link, download_url and report_id do not belong together");
        }
        JsonNode sizeNode = body.get("size");
        if (sizeNode == null || !sizeNode.canConvertToLong() || sizeNode.asLong() < 1) {
            throw ApiException.badRequest("'size' must be a positive number of bytes");
        }
        Instant now = clock.instant();
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(Json.text(body, "expires_at"));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'expires_at' must be an ISO-8601 instant");
        }
        if (!expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(LIFETIME).plusSeconds(300))) {
            throw ApiException.badRequest("'expires_at' must be within the next 7 days");
        }
        String keyServer = Json.optionalText(body, "keyserver_url");
        if (!keyServer.isEmpty()) {
            try {
                keyServer = Origin.of(keyServer);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'keyserver_url' must be an http(s) origin (" + e.getMessage() + ")");
            }
        }
        UploadEntry recorded = recording.record(user.userId(), new UploadEntry(reportId, region, name, link,
                downloadUrl, user.userId(), "", "", "", sizeNode.asLong(), now, expiresAt, keyServer))
                .orElseThrow(() -> new ApiException(ErrorCode.EMAIL_UNVERIFIED, "verify your email address first"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("report_id", reportId);
        out.put("region", region);
        out.put("link", link);
        out.put("download_url", downloadUrl);
        out.put("size", sizeNode.asLong());
        out.put("expires_at", expiresAt.toString());
        out.put("enterprise_id", recorded.enterpriseId());
        ctx.status(201).json(out);
    }

    /**
     * → {@code {reports: [{cursor, report_id, link, download_url, sender_email, sender_name, uploaded_at,
     * expires_at, size}], next}}; {@code next} is the cursor to pass as {@code after} next time (the
     * same one when nothing is new).
     */
    public void enterprise(Context ctx) {
        String secret = bearer(ctx);
        String enterpriseId = credentials.checkApiKey(secret).orElseThrow(() ->
                new ApiException(ErrorCode.INVALID_API_KEY, "this needs 'Authorization: Bearer <enterprise API key>'"
                        + " with a live API key"));
        long after = cursor(ctx.queryParam("after"));
        int limit = limit(ctx.queryParam("limit"));
        List<Map<String, Object>> reports = new ArrayList<>();
        long next = after;
        for (UploadLog.Logged logged : log.ofEnterprise(enterpriseId, after, limit)) {
            UploadEntry e = logged.entry();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("cursor", Long.toString(logged.seq()));
            item.put("report_id", e.reportId());
            item.put("link", e.link());
            item.put("download_url", e.downloadUrl());
            item.put("sender_email", e.senderEmail());
            item.put("sender_name", e.senderName());
            item.put("uploaded_at", e.uploadedAt().toString());
            item.put("expires_at", e.expiresAt().toString());
            item.put("size", e.size());
            reports.add(item);
            next = logged.seq();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reports", reports);
        out.put("next", Long.toString(next));
        ctx.header("Cache-Control", "no-store").json(out);
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    private static long cursor(String after) {
        if (after == null || after.isEmpty()) {
            return 0;
        }
        if (!after.matches("\\d{1,18}")) {
            throw new ApiException(ErrorCode.INVALID_CURSOR, "'after' must be a cursor this server gave out");
        }
        return Long.parseLong(after);
    }

    private static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        if (!limit.matches("\\d{1,4}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > UploadLog.MAX_LISTED) {
            throw ApiException.badRequest("'limit' must be 1 to " + UploadLog.MAX_LISTED);
        }
        return Integer.parseInt(limit);
    }
}
