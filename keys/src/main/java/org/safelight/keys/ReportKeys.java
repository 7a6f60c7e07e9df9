package org.safelight.keys;

import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.SealedColumn;
import org.safelight.server.crypto.SealedSecrets;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.InTransaction;
import org.safelight.keys.audit.Outcome;
import org.safelight.server.db.Database;

/**
 * The report keys of this key server, stored sealed under the {@link MasterKey} in the
 * {@code report_keys} table. Works on SQLite and PostgreSQL; thread-safe, and safe with several
 * server processes on one PostgreSQL database (creation is an insert-if-absent on the primary key).
 *
 * <p>Rows this process has seen are also remembered in memory, still sealed, for
 * {@link #remembered}: a row never changes except for its revocation, which happens once and is
 * never undone, so the memory only ever lags behind the database in one way, a revocation it has
 * not seen yet (one made by another process, or by hand in the database). That is why a key fetch
 * settles its grant with {@link #grantIfOpen}, which reads the database inside the audit
 * transaction (a report it finds closed is forgotten, then read again). Revocations made through
 * this object are remembered as soon as they are committed.
 */
public final class ReportKeys {
    /** The sealed keys, for a master key rotation (sealed for their report ID). */
    public static final SealedSecrets SEALED = new SealedColumn("report keys", "report_keys", List.of("report_id"),
            "sealed_key", key -> key.get(0));
    private static final int KEY_BYTES = 32;
    /** Rows remembered at most; past that the memory starts again empty (a cold start, not an error). */
    static final int REMEMBERED = 50_000;
    private static final String SELECT = "SELECT owner_user_id, owner_email, sealed_key, created_at, revoked_at"
            + " FROM report_keys WHERE report_id = ?";
    private static final String OPEN = "SELECT COUNT(*) FROM report_keys WHERE report_id = ? AND revoked_at IS NULL";
    private static final String STATE = "SELECT revoked_at FROM report_keys WHERE report_id = ?";

    /** A row as stored: the key still sealed. */
    private record Row(String ownerUserId, String ownerEmail, String sealedKey, long createdAt, Long revokedAt) {
        /** Of two sightings of one row, the later: revocation is the only change, and it is final. */
        static Row later(Row a, Row b) {
            return a.revokedAt() != null ? a : b;
        }
    }

    private final Database db;
    private final MasterKey master;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<ReportId, Row> memory = new ConcurrentHashMap<>();

    public ReportKeys(Database db, MasterKey master, Clock clock) {
        this.db = db;
        this.master = master;
        this.clock = clock;
    }

    /**
     * Makes the report's key for its sender, or gives the same sender the key made before. Refused
     * (without a key) when another user owns the report ID or the report was revoked.
     */
    /**
     * A new report key: 32 random bytes in unpadded base64url, never beginning with
     * '-', so that it can be given on a command line after {@code --password} without being taken for
     * an option (redrawn 1 time in 64; the lost fraction of a bit is immaterial).
     */
    static String newKey(SecureRandom random) {
        byte[] raw = new byte[KEY_BYTES];
        try {
            while (true) {
                random.nextBytes(raw);
                String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                if (key.charAt(0) != '-') {
                    return key;
                }
            }
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

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
        String key = newKey(random);
        Instant now = Instant.ofEpochMilli(clock.millis());
        String sealed = master.seal(key.getBytes(StandardCharsets.US_ASCII), id.value());
        int inserted = sql("stored", () -> db.jdbi().withHandle(h -> h.createUpdate("INSERT INTO report_keys"
                        + " (report_id, owner_user_id, owner_email, sealed_key, created_at, revoked_at, owner_enterprise_id)"
                        + " VALUES (:id, :owner, :email, :sealed, :at, NULL, :ent) ON CONFLICT (report_id) DO NOTHING")
                .bind("id", id.value()).bind("owner", ownerUserId).bind("email", ownerEmail)
                .bind("ent", ownerEnterpriseId == null ? "" : ownerEnterpriseId)
                .bind("sealed", sealed).bind("at", now.toEpochMilli()).execute()));
        if (inserted == 1) {
            remember(id, new Row(ownerUserId, ownerEmail, sealed, now.toEpochMilli(), null));
            return new Creation.Created(new ReportKey(id, ownerUserId, ownerEmail, key, now, null));
        }
        // Someone created it between our look and our insert: answer as if we had seen theirs.
        return existing(find(id).orElseThrow(() -> new IllegalStateException("report key vanished")), ownerUserId);
    }

    /** The report's key and state as the database holds them now, if this server made one. */
    public Optional<ReportKey> find(ReportId id) {
        return load(id).map(row -> open(id, row));
    }

    /**
     * The enterprise the report's creator belonged to when its key was made: empty when this server
     * holds no such report, {@code ""} when the creator was in none. Reads no key.
     */
    public Optional<String> creatorEnterprise(ReportId id) {
        return sql("read", () -> db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT owner_enterprise_id FROM report_keys WHERE report_id = :id")
                .bind("id", id.value()).mapTo(String.class).findOne()));
    }

    /**
     * The report's key, from memory when this process has seen it before, else as {@link #find}.
     * Its revocation state may lag behind revocations made elsewhere (see the class comment): check
     * {@link #isRevokedOrUnknown} before acting on it being open.
     */
    public Optional<ReportKey> remembered(ReportId id) {
        Row row = memory.get(id);
        return row != null ? Optional.of(open(id, row)) : find(id);
    }

    /**
     * Whether the report may no longer be opened: revoked, or unknown here. Asks the database every
     * time (never the memory) and reads no key. A report found closed here is forgotten, so the
     * next lookup reads its revocation from the database.
     */
    public boolean isRevokedOrUnknown(ReportId id) {
        boolean closed;
        try (Connection c = db.dataSource().getConnection()) {
            closed = db.withStatement(c, OPEN, s -> {
                s.setString(1, id.value());
                try (ResultSet rs = s.executeQuery()) {
                    return !rs.next() || rs.getInt(1) == 0;
                }
            });
        } catch (SQLException e) {
            throw new KeyStoreUnavailableException("report_keys could not be read", e);
        }
        if (closed) {
            // Revoked elsewhere (or the row is gone): stop trusting what memory says about it.
            memory.remove(id);
        }
        return closed;
    }

    /**
     * Marks the report revoked now, or leaves the first revocation's time when it already was.
     *
     * @return the report after revocation; empty when this server holds no such report
     */
    public Optional<ReportKey> revoke(ReportId id) {
        long now = clock.millis();
        Optional<Row> after = sql("revoked", () -> db.jdbi().inTransaction(h -> {
            h.createUpdate("UPDATE report_keys SET revoked_at = :at WHERE report_id = :id AND revoked_at IS NULL")
                    .bind("at", now).bind("id", id.value()).execute();
            return h.createQuery(SELECT).bind(0, id.value())
                    .map((rs, ctx) -> row(rs)).findOne();
        }));
        after.ifPresent(row -> remember(id, row));
        return after.map(row -> open(id, row));
    }

    /**
     * For a key fetch's audit append ({@link InTransaction}): records the grant only if the report is
     * still open when the event is numbered, else the refusal ({@code key_denied},
     * {@code refused:report_revoked} or {@code refused:unknown_report}). A revocation made through
     * {@link #revocation} is committed with its own event, so the log never shows a grant after it.
     */
    public InTransaction grantIfOpen(ReportId id) {
        return (c, proposed) -> {
            String refusal = db.withStatement(c, STATE, s -> {
                s.setString(1, id.value());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return "unknown_report";
                    }
                    rs.getLong(1);
                    return rs.wasNull() ? null : "report_revoked";
                }
            });
            if (refusal == null) {
                return proposed;
            }
            memory.remove(id);
            return new AuditEntry(proposed.actorUserId(), proposed.actorEmail(), proposed.reportId(),
                    AuditAction.KEY_DENIED, Outcome.refused(refusal), proposed.remoteAddress());
        };
    }

    /**
     * For a revocation's audit append ({@link InTransaction}): marks the report revoked in the same
     * transaction as its event (keeping the first revocation's time), so the revocation and its
     * record commit together and every fetch numbered after it is refused. When the report was
     * revoked already it records nothing: one revocation, one event. Read the report again with
     * {@link #find} afterwards.
     */
    public InTransaction revocation(ReportId id) {
        return (c, proposed) -> {
            long now = clock.millis();
            int changed = db.withStatement(c,
                    "UPDATE report_keys SET revoked_at = ? WHERE report_id = ? AND revoked_at IS NULL", u -> {
                        u.setLong(1, now);
                        u.setString(2, id.value());
                        return u.executeUpdate();
                    });
            memory.remove(id);
            // Revoked already (by a request that overtook this one): its event is the one on the record.
            return changed == 1 ? proposed : null;
        };
    }

    /**
     * Whether the report is revoked, and since when, as the database holds it now (never from
     * memory); empty when this server holds no key for it. Reads no key.
     */
    public Optional<ReportStatus> status(ReportId id) {
        ReportStatus status;
        try (Connection c = db.dataSource().getConnection()) {
            status = db.withStatement(c, STATE, s -> {
                s.setString(1, id.value());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long at = rs.getLong(1);
                    return new ReportStatus(id, rs.wasNull() ? null : Instant.ofEpochMilli(at));
                }
            });
        } catch (SQLException e) {
            throw new KeyStoreUnavailableException("report_keys could not be read", e);
        }
        return Optional.ofNullable(status);
    }

    /** Runs SQL work, turning any failure of the database into {@link KeyStoreUnavailableException}. */
    private static <T> T sql(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException | IllegalStateException e) {
            throw new KeyStoreUnavailableException("report_keys could not be " + what, e);
        }
    }

    private static Creation existing(ReportKey key, String ownerUserId) {
        if (!key.ownedBy(ownerUserId)) {
            return new Creation.OwnedByAnother();
        }
        return key.revoked() ? new Creation.Revoked(key) : new Creation.Existing(key);
    }

    /** The row from the database, remembered on the way. */
    private Optional<Row> load(ReportId id) {
        Row row;
        try (Connection c = db.dataSource().getConnection()) {
            row = db.withStatement(c, SELECT, s -> {
                s.setString(1, id.value());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? row(rs) : null;
                }
            });
        } catch (SQLException e) {
            throw new KeyStoreUnavailableException("report_keys could not be read", e);
        }
        if (row != null) {
            remember(id, row);
        }
        return Optional.ofNullable(row);
    }

    /** Keeps the row in memory, never letting an older sighting undo a revocation seen before. */
    private void remember(ReportId id, Row row) {
        if (memory.size() >= REMEMBERED) {
            memory.clear();
        }
        memory.merge(id, row, Row::later);
    }

    private static Row row(ResultSet rs) throws SQLException {
        long revoked = rs.getLong("revoked_at");
        Long revokedAt = rs.wasNull() ? null : revoked;
        return new Row(rs.getString("owner_user_id"), rs.getString("owner_email"), rs.getString("sealed_key"),
                rs.getLong("created_at"), revokedAt);
    }

    /** The row with its key unsealed; fails when it does not open under the master key. */
    private ReportKey open(ReportId id, Row row) {
        String key = new String(master.open(row.sealedKey(), id.value()), StandardCharsets.US_ASCII);
        return new ReportKey(id, row.ownerUserId(), row.ownerEmail(), key, Instant.ofEpochMilli(row.createdAt()),
                row.revokedAt() == null ? null : Instant.ofEpochMilli(row.revokedAt()));
    }
}
