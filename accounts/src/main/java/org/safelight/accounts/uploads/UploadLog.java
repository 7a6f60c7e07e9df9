package org.safelight.accounts.uploads;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The log of cloud uploads (the seed's "log of uploaded reports" on the User Server): written by
 * the cloud role when a report is stored, read as the sender's list and as the enterprise's
 * listing. Thread-safe.
 */
public final class UploadLog {
    /** How long an expired upload stays on its sender's list, marked expired. */
    public static final Duration EXPIRED_SHOWN_FOR = Duration.ofDays(30);
    public static final int MAX_LISTED = 1000;

    /** An entry with its place in the log (the enterprise listing's cursor). */
    public record Logged(long seq, UploadEntry entry) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public UploadLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Adds an upload to the log; recording the same link again changes nothing. */
    public void record(UploadEntry e) {
        jdbi.useTransaction(h -> {
            boolean known = h.createQuery("SELECT COUNT(*) FROM uploads WHERE region = :region AND name = :name")
                    .bind("region", e.region()).bind("name", e.name()).mapTo(Long.class).one() > 0;
            if (known) {
                return;
            }
            h.createUpdate("UPDATE user_numbers SET last_value = last_value + 1 WHERE name = 'uploads'").execute();
            long seq = h.createQuery("SELECT last_value FROM user_numbers WHERE name = 'uploads'")
                    .mapTo(Long.class).one();
            h.createUpdate("INSERT INTO uploads (seq, region, name, report_id, user_id, sender_email, sender_name,"
                            + " enterprise_id, link, download_url, size, uploaded_at, expires_at, keyserver_url) VALUES"
                            + " (:seq, :region, :name, :report, :user, :email, :sender, :ent, :link, :download, :size,"
                            + " :uploaded, :expires, :keyserver)")
                    .bind("seq", seq).bind("region", e.region()).bind("name", e.name()).bind("report", e.reportId())
                    .bind("user", e.userId()).bind("email", e.senderEmail()).bind("sender", e.senderName())
                    .bind("ent", e.enterpriseId() == null ? "" : e.enterpriseId()).bind("link", e.link())
                    .bind("download", e.downloadUrl()).bind("size", e.size())
                    .bind("uploaded", e.uploadedAt().toEpochMilli()).bind("expires", e.expiresAt().toEpochMilli())
                    .bind("keyserver", e.keyServerUrl() == null ? "" : e.keyServerUrl())
                    .execute();
        });
    }

    /** The user's uploads, newest first: live ones, and expired ones for {@link #EXPIRED_SHOWN_FOR}. */
    public List<UploadEntry> ofUser(String userId) {
        long shownSince = clock.instant().minus(EXPIRED_SHOWN_FOR).toEpochMilli();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM uploads WHERE user_id = :user AND expires_at > :since"
                        + " ORDER BY uploaded_at DESC, seq DESC LIMIT :limit")
                .bind("user", userId).bind("since", shownSince).bind("limit", MAX_LISTED)
                .map((rs, ctx) -> entry(rs)).list());
    }

    /**
     * The enterprise's live uploads after {@code afterSeq}, oldest first: those whose sender was one
     * of its members when uploading.
     */
    public List<Logged> ofEnterprise(String enterpriseId, long afterSeq, int limit) {
        if (enterpriseId == null || enterpriseId.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM uploads WHERE enterprise_id = :ent AND seq > :after"
                        + " AND expires_at > :now ORDER BY seq LIMIT :limit")
                .bind("ent", enterpriseId).bind("after", afterSeq).bind("now", clock.instant().toEpochMilli())
                .bind("limit", Math.max(1, Math.min(limit, MAX_LISTED)))
                .map((rs, ctx) -> new Logged(rs.getLong("seq"), entry(rs))).list());
    }

    private static UploadEntry entry(ResultSet rs) throws SQLException {
        return new UploadEntry(rs.getString("report_id"), rs.getString("region"), rs.getString("name"),
                rs.getString("link"), rs.getString("download_url"), rs.getString("user_id"),
                rs.getString("sender_email"), rs.getString("sender_name"), rs.getString("enterprise_id"),
                rs.getLong("size"), Instant.ofEpochMilli(rs.getLong("uploaded_at")),
                Instant.ofEpochMilli(rs.getLong("expires_at")), rs.getString("keyserver_url"));
    }
}
