package org.safelight.cloud;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.safelight.format.link.ReportLink;

/** The rows of stored reports ({@code cloud_reports}). Thread-safe. */
final class CloudReports {
    private final Jdbi jdbi;

    CloudReports(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(CloudReport r) {
        jdbi.useHandle(h -> insert(h, r));
    }

    /** Inserts the row within {@code h}'s transaction. */
    static void insert(org.jdbi.v3.core.Handle h, CloudReport r) {
        h.createUpdate("INSERT INTO cloud_reports (region, name, report_id, uploader_id,"
                        + " enterprise_id, size, uploaded_at, expires_at, keyserver_url) VALUES (:region, :name, :report,"
                        + " :uploader, :ent, :size, :uploaded, :expires, :keyserver)")
                .bind("keyserver", r.keyServerUrl() == null ? "" : r.keyServerUrl())
                .bind("region", r.link().region().name()).bind("name", r.link().name())
                .bind("report", r.link().reportId()).bind("uploader", r.uploaderId()).bind("ent", r.enterpriseId())
                .bind("size", r.size()).bind("uploaded", r.uploadedAt().toEpochMilli())
                .bind("expires", r.expiresAt().toEpochMilli()).execute();
    }

    /** Puts the stored report in another enterprise (the one the accounts role recorded its upload in). */
    void setEnterprise(ReportLink link, String enterpriseId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cloud_reports SET enterprise_id = :ent WHERE region = :region"
                        + " AND name = :name")
                .bind("ent", enterpriseId).bind("region", link.region().name()).bind("name", link.name()).execute());
    }

    void remove(ReportLink link) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM cloud_reports WHERE region = :region AND name = :name")
                .bind("region", link.region().name()).bind("name", link.name()).execute());
    }

    Optional<CloudReport> find(ReportLink link) {
        return jdbi.withHandle(h -> h.createQuery("SELECT uploader_id, enterprise_id, size, uploaded_at, expires_at,"
                        + " deleted_at, keyserver_url FROM cloud_reports WHERE region = :region AND name = :name")
                .bind("region", link.region().name()).bind("name", link.name())
                .map((rs, ctx) -> {
                    long deleted = rs.getLong("deleted_at");
                    Instant deletedAt = rs.wasNull() ? null : Instant.ofEpochMilli(deleted);
                    return new CloudReport(link, rs.getString("uploader_id"), rs.getString("enterprise_id"),
                            rs.getLong("size"), Instant.ofEpochMilli(rs.getLong("uploaded_at")),
                            Instant.ofEpochMilli(rs.getLong("expires_at")), deletedAt, rs.getString("keyserver_url"));
                })
                .findOne());
    }

    /** The bytes of {@code uploader}'s reports whose links have not expired at {@code now}. */
    long bytesHeldBy(String uploader, Instant now) {
        return jdbi.withHandle(h -> bytesHeldBy(h, uploader, now.toEpochMilli()));
    }

    /** The same, within {@code h}'s transaction. */
    static long bytesHeldBy(org.jdbi.v3.core.Handle h, String uploader, long now) {
        return h.createQuery("SELECT COALESCE(SUM(size), 0) FROM cloud_reports"
                        + " WHERE uploader_id = :uploader AND expires_at > :now AND deleted_at IS NULL")
                .bind("uploader", uploader).bind("now", now).mapTo(Long.class).one();
    }

    /** Up to {@code limit} links whose time is up and whose bytes are still kept. */
    List<ReportLink> expiredNotDeleted(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT region, name FROM cloud_reports WHERE deleted_at IS NULL"
                        + " AND expires_at <= :now ORDER BY expires_at LIMIT :limit")
                .bind("now", now.toEpochMilli()).bind("limit", limit)
                .map((rs, ctx) -> ReportLink.parse(rs.getString("region"), rs.getString("name")).orElseThrow())
                .list());
    }

    void markDeleted(ReportLink link, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE cloud_reports SET deleted_at = :now WHERE region = :region"
                        + " AND name = :name AND deleted_at IS NULL")
                .bind("now", now.toEpochMilli()).bind("region", link.region().name()).bind("name", link.name())
                .execute());
    }
}
