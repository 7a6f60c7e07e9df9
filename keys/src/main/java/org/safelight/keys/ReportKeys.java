package org.safelight.keys;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.safelight.server.db.Database;

/**
 * The report keys of this key server, stored sealed under the {@link MasterKey} in the
 * {@code report_keys} table. Works on SQLite and PostgreSQL; thread-safe, and safe with several
 * server processes on one PostgreSQL database (creation is an insert-if-absent on the primary key).
 */
public final class ReportKeys {
    private static final int KEY_BYTES = 32;

    private final Database db;
    private final MasterKey master;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ReportKeys(Database db, MasterKey master, Clock clock) {
        this.db = db;
        this.master = master;
        this.clock = clock;
    }

    /**
     * Makes the report's key for its sender, or gives the same sender the key made before. Refused
     * (without a key) when another user owns the report ID or the report was revoked.
     */
    public Creation create(ReportId id, String ownerUserId, String ownerEmail) {
        return create(id, ownerUserId, ownerEmail, "");
    }

    /**
     * Same, remembering the enterprise the sender belongs to ({@code ""} for none), whose Key Server
     * Token may then fetch the key ({@link #creatorEnterprise}).
     */
    public Creation create(ReportId id, String ownerUserId, String ownerEmail, String ownerEnterpriseId) {
        Optional<ReportKey> before = find(id);
        if (before.isPresent()) {
            return existing(before.get(), ownerUserId);
        }
        byte[] raw = new byte[KEY_BYTES];
        random.nextBytes(raw);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Arrays.fill(raw, (byte) 0);
        Instant now = Instant.ofEpochMilli(clock.millis());
        String sealed = master.seal(key.getBytes(StandardCharsets.US_ASCII), id.value());
        int inserted = db.jdbi().withHandle(h -> h.createUpdate("INSERT INTO report_keys"
                        + " (report_id, owner_user_id, owner_email, sealed_key, created_at, revoked_at, owner_enterprise_id)"
                        + " VALUES (:id, :owner, :email, :sealed, :at, NULL, :ent) ON CONFLICT (report_id) DO NOTHING")
                .bind("id", id.value()).bind("owner", ownerUserId).bind("email", ownerEmail)
                .bind("ent", ownerEnterpriseId == null ? "" : ownerEnterpriseId)
                .bind("sealed", sealed).bind("at", now.toEpochMilli()).execute());
        if (inserted == 1) {
            return new Creation.Created(new ReportKey(id, ownerUserId, ownerEmail, key, now, null));
        }
        // Someone created it between our look and our insert: answer as if we had seen theirs.
        return existing(find(id).orElseThrow(() -> new IllegalStateException("report key vanished")), ownerUserId);
    }

    /** The report's key and state, if this server made one. */
    public Optional<ReportKey> find(ReportId id) {
        return db.jdbi().withHandle(h -> select(h, id));
    }

    /**
     * The enterprise the report's creator belonged to when its key was made: empty when this server
     * holds no such report, {@code ""} when the creator was in none. Reads no key.
     */
    public Optional<String> creatorEnterprise(ReportId id) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT owner_enterprise_id FROM report_keys WHERE report_id = :id")
                .bind("id", id.value()).mapTo(String.class).findOne());
    }

    /** Whether the report may no longer be opened: revoked, or unknown here. Reads no key. */
    public boolean isRevokedOrUnknown(ReportId id) {
        int open = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM report_keys WHERE report_id = :id AND revoked_at IS NULL")
                .bind("id", id.value()).mapTo(Integer.class).one());
        return open == 0;
    }

    /**
     * Marks the report revoked now, or leaves the first revocation's time when it already was.
     *
     * @return the report after revocation; empty when this server holds no such report
     */
    public Optional<ReportKey> revoke(ReportId id) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            h.createUpdate("UPDATE report_keys SET revoked_at = :at WHERE report_id = :id AND revoked_at IS NULL")
                    .bind("at", now).bind("id", id.value()).execute();
            return select(h, id);
        });
    }

    private static Creation existing(ReportKey key, String ownerUserId) {
        if (!key.ownedBy(ownerUserId)) {
            return new Creation.OwnedByAnother();
        }
        return key.revoked() ? new Creation.Revoked(key) : new Creation.Existing(key);
    }

    private Optional<ReportKey> select(Handle h, ReportId id) {
        return h.createQuery("SELECT owner_user_id, owner_email, sealed_key, created_at, revoked_at"
                        + " FROM report_keys WHERE report_id = :id")
                .bind("id", id.value())
                .map((rs, ctx) -> row(id, rs))
                .findOne();
    }

    private ReportKey row(ReportId id, ResultSet rs) throws SQLException {
        long revoked = rs.getLong("revoked_at");
        Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
        String key = new String(master.open(rs.getString("sealed_key"), id.value()),
                StandardCharsets.US_ASCII);
        return new ReportKey(id, rs.getString("owner_user_id"), rs.getString("owner_email"), key,
                Instant.ofEpochMilli(rs.getLong("created_at")), revokedAt);
    }
}
