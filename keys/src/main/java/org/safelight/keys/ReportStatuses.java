package org.safelight.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.http.Refusal;
import org.safelight.server.limits.RateLimiter;

/**
 * The public status route for many reports at once, for a list of one's reports (My Safelight's
 * "My reports"): {@code POST /api/v1/reports/status} with {@code {"report_ids": [...]}}, at most
 * {@value #MAX_IDS}. Answers {@code {"reports": [{report_id, revoked, revoked_at (when revoked)}]}}
 * for the reports this key server holds a key for; unknown ones are simply absent. Like the single
 * status route it gives out no key and no person, so it is not audited, and it takes one request
 * from the same per-address limit however many IDs it names (a ward sharing one address can list
 * its reports). Immutable.
 */
final class ReportStatuses {
    static final String PATH = "/api/v1/reports/status";
    static final int MAX_IDS = 100;

    private final ReportKeys keys;
    private final RateLimiter limiter;

    ReportStatuses(ReportKeys keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /** The same bucket as {@code GET .../{reportId}/status}: one request, whatever the batch. */
    static void acquire(RateLimiter limiter, Context ctx) {
        limiter.acquire("status:" + ctx.ip(), "report status requests");
    }

    void handle(Context ctx) {
        acquire(limiter, ctx);
        List<ReportId> ids = ids(Json.body(ctx));
        List<Map<String, Object>> reports = new ArrayList<>();
        for (ReportId id : ids) {
            keys.status(id).ifPresent(status -> reports.add(answer(id, status)));
        }
        ctx.json(Map.of("reports", reports));
    }

    /** One report's status as both routes answer it: {report_id, revoked, revoked_at (when revoked)}. */
    static Map<String, Object> answer(ReportId id, ReportStatus status) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("report_id", id.value());
        row.put("revoked", status.revoked());
        if (status.revoked()) {
            row.put("revoked_at", status.revokedAt().toString());
        }
        return row;
    }

    /** The distinct IDs asked, each checked like the single route's; 400 for anything else. */
    private static List<ReportId> ids(JsonNode body) {
        JsonNode list = body.get("report_ids");
        if (list == null || !list.isArray()) {
            throw new Refusal(ErrorCode.BAD_REQUEST, "'report_ids' is required: a list of report IDs");
        }
        if (list.size() > MAX_IDS) {
            throw new Refusal(ErrorCode.TOO_MANY_REPORTS, "ask for at most " + MAX_IDS
                    + " reports at a time (" + list.size() + " were asked)");
        }
        Set<ReportId> ids = new LinkedHashSet<>();
        for (JsonNode item : list) {
            if (!item.isTextual()) {
                throw new Refusal(ErrorCode.INVALID_REPORT_ID, "every report ID is a string");
            }
            try {
                ids.add(new ReportId(item.asText()));
            } catch (IllegalArgumentException e) {
                throw new Refusal(ErrorCode.INVALID_REPORT_ID, e.getMessage());
            }
        }
        return List.copyOf(ids);
    }
}
