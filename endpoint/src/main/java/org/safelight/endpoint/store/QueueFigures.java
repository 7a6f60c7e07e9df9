package org.safelight.endpoint.store;

import org.safelight.server.db.Database;

/**
 * How many reports are in each state of the pipeline, and how many deliveries are parked, as the
 * database holds them now (shared by every instance on it). Each figure is one count over an index
 * ({@code V3__endpoint_state_indexes}), cheap enough to read at every metrics scrape. Thread-safe.
 */
public final class QueueFigures {
    /** The states a report waits in; {@code delivered} is the end, not a queue. */
    public enum State {
        RECEIVED, WAITING, OPENED, PARKED;

        /** As stored in {@code endpoint_reports.state}, and as the metric's {@code state} tag. */
        public String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Database db;

    public QueueFigures(Database db) {
        this.db = db;
    }

    /** Reports now in {@code state}. */
    public long reports(State state) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM endpoint_reports WHERE state = :state")
                .bind("state", state.column()).mapTo(Long.class).one());
    }

    /** Deliveries parked for a person after their retries ran out (or a permanent failure). */
    public long parkedDeliveries() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM endpoint_deliveries WHERE status = 'parked'")
                .mapTo(Long.class).one());
    }
}
