package db.migration.keys;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Makes audit rows outside the chain impossible, and records where the keyed chain starts.
 *
 * <p>SQLite: {@code audit_events.seq} becomes {@code INTEGER PRIMARY KEY}, the rowid itself, so a
 * row's number can be neither NULL nor text (a NULL insert is given the next rowid, which lies past
 * the head, where no reader looks and {@code audit verify} reports it). SQLite cannot change a
 * column's type, so the table is rebuilt; rows already there whose number is not a positive integer
 * are moved aside to {@code audit_events_outside_chain}, where nothing reads them. PostgreSQL's
 * {@code BIGINT PRIMARY KEY} already refuses both; it gets the same {@code seq > 0} check.
 *
 * <p>Both: {@code audit_head.keyed_from} is the number of the last event chained by plain SHA-256
 * before this version; every later event is chained by HMAC under a key derived from the master key
 * (see {@code ChainHash}). A Java migration because the two engines need different statements.
 */
public final class V3__audit_chain_keyed_and_seq_is_the_rowid extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean sqlite = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("sqlite");
        try (Statement s = c.createStatement()) {
            if (sqlite) {
                s.execute("CREATE TABLE audit_events_v3 ("
                        + " seq            INTEGER PRIMARY KEY CHECK (seq > 0),"
                        + " occurred_at    BIGINT NOT NULL,"
                        + " actor_user_id  TEXT NOT NULL,"
                        + " actor_email    TEXT NOT NULL,"
                        + " report_id      TEXT NOT NULL,"
                        + " action         TEXT NOT NULL,"
                        + " outcome        TEXT NOT NULL,"
                        + " remote_address TEXT NOT NULL,"
                        + " hash           TEXT NOT NULL)");
                String inChain = "typeof(seq) = 'integer' AND seq > 0";
                s.execute("CREATE TABLE audit_events_outside_chain AS SELECT * FROM audit_events WHERE NOT (" + inChain
                        + ") OR seq IS NULL");
                s.execute("INSERT INTO audit_events_v3 SELECT seq, occurred_at, actor_user_id, actor_email, report_id,"
                        + " action, outcome, remote_address, hash FROM audit_events WHERE " + inChain);
                s.execute("DROP TABLE audit_events");
                s.execute("ALTER TABLE audit_events_v3 RENAME TO audit_events");
                s.execute("CREATE INDEX audit_events_by_report ON audit_events (report_id, seq)");
            } else {
                // NOT VALID: enforced from now on without refusing to start over an old row.
                s.execute("ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_positive CHECK (seq > 0) NOT VALID");
            }
            s.execute("ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 0");
            s.execute("UPDATE audit_head SET keyed_from = last_seq");
        }
    }
}
