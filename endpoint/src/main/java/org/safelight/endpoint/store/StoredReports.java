package org.safelight.endpoint.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.server.db.Database;

/** {@link ReceivedReports} from the endpoint's tables. Thread-safe. */
public final class StoredReports implements ReceivedReports {
    private static final String COLUMNS = "report_id, sender_email, sender_verified, source, received_at, kind, size,"
            + " state, open_attempts, last_error";

    private final Database db;
    private final Clock clock;

    public StoredReports(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public List<ReceivedReport> list(Optional<String> senderEmail, Optional<Instant> before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM endpoint_reports WHERE 1 = 1");
        senderEmail.ifPresent(e -> sql.append(" AND sender_email = :email"));
        before.ifPresent(b -> sql.append(" AND received_at < :before"));
        sql.append(" ORDER BY received_at DESC, report_id DESC LIMIT :limit");
        return db.jdbi().withHandle(h -> {
            var query = h.createQuery(sql.toString()).bind("limit", Math.max(0, limit));
            senderEmail.ifPresent(e -> query.bind("email", e.strip().toLowerCase(java.util.Locale.ROOT)));
            before.ifPresent(b -> query.bind("before", b.toEpochMilli()));
            List<Row> rows = query.map((rs, ctx) -> row(rs)).list();
            List<ReceivedReport> reports = new ArrayList<>();
            for (Row row : rows) {
                reports.add(row.with(deliveries(h, row.reportId())));
            }
            return reports;
        });
    }

    @Override
    public Optional<ReceivedReport> find(String reportId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM endpoint_reports WHERE report_id = :id")
                .bind("id", reportId).map((rs, ctx) -> row(rs)).findOne()
                .map(row -> row.with(deliveries(h, reportId))));
    }

    @Override
    public int retry(String reportId) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            int deliveries = h.createUpdate("UPDATE endpoint_deliveries SET status = 'pending', next_attempt_at = :now"
                            + " WHERE report_id = :id AND status <> 'delivered'")
                    .bind("now", now).bind("id", reportId).execute();
            int opening = h.createUpdate("UPDATE endpoint_reports SET state = 'received', next_attempt_at = :now"
                            + " WHERE report_id = :id AND state IN ('parked', 'waiting')")
                    .bind("now", now).bind("id", reportId).execute();
            if (deliveries > 0) {
                // Due now, unless a worker holds it: then its release picks the deliveries up.
                h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :now"
                                + " WHERE report_id = :id AND claim IS NULL AND state IN ('opened', 'received', 'waiting')")
                        .bind("now", now).bind("id", reportId).execute();
            }
            return deliveries + opening;
        });
    }

    private record Row(String reportId, String senderEmail, boolean senderVerified, Arrival.Source source,
                       Instant receivedAt, String kind, long size, String state, int openAttempts, String lastError) {
        ReceivedReport with(List<Delivery> deliveries) {
            return new ReceivedReport(reportId, senderEmail, senderVerified, source, receivedAt, kind, size, state,
                    openAttempts, lastError, deliveries);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getInt(3) == 1, Arrival.Source.valueOf(rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getInt(9),
                rs.getString(10));
    }

    private static List<Delivery> deliveries(Handle h, String reportId) {
        Map<String, Delivery> byName = new LinkedHashMap<>();
        h.createQuery("SELECT destination, status, attempts, next_attempt_at, last_error, delivered_at"
                        + " FROM endpoint_deliveries WHERE report_id = :id ORDER BY destination")
                .bind("id", reportId)
                .map((rs, ctx) -> new Delivery(rs.getString(1), rs.getString(2), rs.getInt(3),
                        instant(rs, 4), rs.getString(5), instant(rs, 6)))
                .forEach(d -> byName.put(d.destination(), d));
        return List.copyOf(byName.values());
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
