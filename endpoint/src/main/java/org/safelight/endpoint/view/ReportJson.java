package org.safelight.endpoint.view;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.safelight.endpoint.store.Questions;
import org.safelight.endpoint.store.ReceivedReports.Delivery;
import org.safelight.endpoint.store.ReceivedReports.ReceivedReport;

/**
 * A received report as the institution API writes it (the {@code Report} schema of
 * {@code openapi/endpoint.yaml}). Nothing of the report's content is in it: who sent it, when,
 * how, and where each step stands. Pure.
 */
final class ReportJson {
    private ReportJson() {
    }

    /** @param admin the admins' view: also each destination's error text and next attempt */
    static Map<String, Object> of(ReceivedReport r, boolean admin) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("report_id", r.reportId());
        out.put("sender_email", r.senderEmail());
        out.put("sender_verified", r.senderVerified());
        out.put("source", r.source() == null ? null : r.source().name().toLowerCase(Locale.ROOT));
        out.put("received_at", iso(r.receivedAt()));
        out.put("kind", r.kind());
        out.put("size", r.size());
        out.put("state", r.state());
        out.put("open_attempts", r.openAttempts());
        out.put("last_error", r.lastError());
        out.put("deliveries", r.deliveries().stream().map(d -> delivery(d, admin)).toList());
        return out;
    }

    private static Map<String, Object> delivery(Delivery d, boolean admin) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("destination", d.destination());
        out.put("status", d.status());
        out.put("attempts", d.attempts());
        out.put("delivered_at", iso(d.deliveredAt()));
        if (admin) {
            out.put("next_attempt_at", "delivered".equals(d.status()) ? null : iso(d.nextAttemptAt()));
            out.put("last_error", d.lastError());
            if ("needs_person".equals(d.status()) && d.question() != null) {
                out.put("question", Questions.map(d.question()));
            }
        }
        return out;
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }
}
