package org.safelight.accounts.uploads;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The sends clients record on their user's list of reports (table {@code report_sends}): one row per
 * time a report went to someone. Kept only as long as the report can be on the list
 * ({@link #KEPT_FOR}), then purged: recipients are personal data. Thread-safe.
 */
public final class ReportSends {
    /** The cloud keeps a report 7 days, and the list shows it 30 days more. */
    public static final Duration KEPT_FOR = Duration.ofDays(7).plus(UploadLog.EXPIRED_SHOWN_FOR);
    /** Sends one user may have on record at once; past that, recording is refused. */
    public static final int MAX_PER_USER = 10_000;

    private final Jdbi jdbi;

    public ReportSends(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Records a send unless the user has {@link #MAX_PER_USER} on record already. The cap bounds
     * abuse, not exactly: under PostgreSQL's READ COMMITTED, requests racing at the cap may each
     * pass the count (by at most the user's concurrent requests, which the rate limit bounds).
     *
     * @return whether it was recorded
     */
    public boolean record(String userId, String reportId, ReportSend send) {
        return jdbi.inTransaction(h -> {
            long held = h.createQuery("SELECT COUNT(*) FROM report_sends WHERE user_id = :user")
                    .bind("user", userId).mapTo(Long.class).one();
            if (held >= MAX_PER_USER) {
                return false;
            }
            h.createUpdate("INSERT INTO report_sends (user_id, report_id, channel, recipient, sent_at)"
                            + " VALUES (:user, :report, :channel, :recipient, :at)")
                    .bind("user", userId).bind("report", reportId).bind("channel", send.channel().code())
                    .bind("recipient", send.recipient()).bind("at", send.sentAt().toEpochMilli()).execute();
            return true;
        });
    }

    /** The user's sends made at or after {@code since}, by report, each report's oldest first. */
    public Map<String, List<ReportSend>> ofUser(String userId, Instant since) {
        Map<String, List<ReportSend>> byReport = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT report_id, channel, recipient, sent_at FROM report_sends"
                        + " WHERE user_id = :user AND sent_at >= :since ORDER BY sent_at")
                .bind("user", userId).bind("since", since.toEpochMilli())
                .map((rs, ctx) -> Map.entry(rs.getString("report_id"), new ReportSend(
                        SendChannel.of(rs.getString("channel")).orElseThrow(), rs.getString("recipient"),
                        Instant.ofEpochMilli(rs.getLong("sent_at")))))
                .forEach(e -> byReport.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        return byReport;
    }

    /**
     * Deletes sends made before {@code before}.
     *
     * @return how many were deleted
     */
    public int purgeBefore(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM report_sends WHERE sent_at < :before")
                .bind("before", before.toEpochMilli()).execute());
    }
}
