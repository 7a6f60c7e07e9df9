package org.safelight.accounts.enterprise;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Reports sent before their sender's enterprise existed (or before their address joined it) were
 * recorded with no enterprise, so its sync never lists them. The operator attaches the recent
 * ones: those uploaded in the last days (at most {@link #MAX_DAYS}, the cloud's lifetime: older
 * ones are gone anyway), not yet attached to any enterprise, whose sender belongs to this
 * enterprise now by the membership rule of {@link Enterprises#membershipOf}. When the cloud and
 * the key server share this database (one {@code serve}), the stored reports and their keys are
 * attached too, so the enterprise's API key downloads them and its Key Server Token opens them.
 * Only the enterprise columns are written. Thread-safe.
 */
public final class RecentReports {
    public static final int MAX_DAYS = 7;

    /** One upload that would be attached. */
    record Candidate(String region, String name, String reportId, String userId) {
    }

    private final Jdbi jdbi;
    private final Enterprises enterprises;
    private final Clock clock;

    public RecentReports(Jdbi jdbi, Enterprises enterprises, Clock clock) {
        this.jdbi = jdbi;
        this.enterprises = enterprises;
        this.clock = clock;
    }

    /** How many reports {@link #attach} would attach now. */
    public int unattached(String enterpriseId, int days) {
        return candidates(enterpriseId, days).size();
    }

    /**
     * Attaches the enterprise's members' unattached uploads of the last {@code days} days.
     *
     * @return how many uploads were attached
     * @throws IllegalArgumentException when {@code days} is not 1 to {@link #MAX_DAYS}
     */
    public int attach(String enterpriseId, int days) {
        List<Candidate> found = candidates(enterpriseId, days);
        return jdbi.inTransaction(h -> {
            boolean keysHere = hasTable(h, "report_keys");
            boolean cloudHere = hasTable(h, "cloud_reports");
            int attached = 0;
            for (Candidate c : found) {
                attached += h.createUpdate("UPDATE uploads SET enterprise_id = :ent WHERE region = :region"
                                + " AND name = :name AND enterprise_id = ''")
                        .bind("ent", enterpriseId).bind("region", c.region()).bind("name", c.name()).execute();
                if (cloudHere) {
                    h.createUpdate("UPDATE cloud_reports SET enterprise_id = :ent WHERE region = :region"
                                    + " AND name = :name AND enterprise_id = ''")
                            .bind("ent", enterpriseId).bind("region", c.region()).bind("name", c.name()).execute();
                }
                if (keysHere) {
                    h.createUpdate("UPDATE report_keys SET owner_enterprise_id = :ent WHERE report_id = :report"
                                    + " AND owner_user_id = :user AND owner_enterprise_id = ''")
                            .bind("ent", enterpriseId).bind("report", c.reportId()).bind("user", c.userId())
                            .execute();
                }
            }
            return attached;
        });
    }

    /**
     * The roles whose tables are not in this database ("cloud", "keys"): for them {@link #attach}
     * cannot move the stored copy or the report key, so the enterprise's sync would list an attached
     * report without being able to download or open it.
     */
    public List<String> rolesElsewhere() {
        return jdbi.withHandle(h -> {
            List<String> missing = new java.util.ArrayList<>();
            if (!hasTable(h, "cloud_reports")) {
                missing.add("cloud");
            }
            if (!hasTable(h, "report_keys")) {
                missing.add("keys");
            }
            return missing;
        });
    }

    private List<Candidate> candidates(String enterpriseId, int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("--days is 1 to " + MAX_DAYS + " (the cloud keeps reports "
                    + MAX_DAYS + " days)");
        }
        long since = clock.instant().minus(Duration.ofDays(days)).toEpochMilli();
        List<Candidate> all = jdbi.withHandle(h -> h.createQuery("SELECT region, name, report_id, user_id FROM uploads"
                        + " WHERE enterprise_id = '' AND uploaded_at >= :since ORDER BY uploaded_at")
                .bind("since", since)
                .map((rs, ctx) -> new Candidate(rs.getString("region"), rs.getString("name"),
                        rs.getString("report_id"), rs.getString("user_id")))
                .list());
        Map<String, Boolean> member = new HashMap<>();
        List<Candidate> ours = new ArrayList<>();
        for (Candidate c : all) {
            if (member.computeIfAbsent(c.userId(), user -> belongs(user, enterpriseId))) {
                ours.add(c);
            }
        }
        return ours;
    }

    /** Whether the user (by id) belongs to the enterprise now: a verified address it counts as a member. */
    private boolean belongs(String userId, String enterpriseId) {
        Optional<Map.Entry<String, Boolean>> user = jdbi.withHandle(h -> h.createQuery(
                        "SELECT email, email_verified FROM users WHERE id = :id")
                .bind("id", userId)
                .map((rs, ctx) -> Map.entry(rs.getString("email"), rs.getInt("email_verified") != 0))
                .findOne());
        return user.flatMap(u -> enterprises.membershipOf(u.getKey(), u.getValue()))
                .map(m -> m.enterpriseId().equals(enterpriseId)).orElse(false);
    }

    private static boolean hasTable(Handle h, String table) {
        try {
            DatabaseMetaData meta = h.getConnection().getMetaData();
            try (ResultSet rs = meta.getTables(null, null, table, new String[] {"TABLE"})) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
    }
}
