package org.safelight.accounts.sends;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.safelight.accounts.internal.Secrets;

/**
 * The enterprises' destinations (table {@code enterprise_destinations}). Every read and removal is
 * scoped to one enterprise, so an id of another enterprise's destination finds nothing. The
 * values are checked by {@link DestinationRules} before they get here. Thread-safe.
 */
public final class Destinations {
    /** Destinations one enterprise may list; enough for every department of a hospital. */
    public static final int MAX_PER_ENTERPRISE = 200;

    private static final RowMapper<Destination> ROW = (rs, ctx) -> new Destination(rs.getString("id"),
            rs.getString("enterprise_id"), rs.getString("name"),
            Destination.Kind.of(rs.getString("kind")).orElseThrow(), rs.getString("target"),
            rs.getString("static_key"), Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Jdbi jdbi;
    private final Clock clock;

    public Destinations(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Adds a destination.
     *
     * @return it, or empty when the enterprise has {@link #MAX_PER_ENTERPRISE} already
     */
    public Optional<Destination> add(String enterpriseId, String name, Destination.Kind kind, String target,
                                     String staticKey) {
        Destination d = new Destination(Secrets.shortId(), enterpriseId, name, kind, target, staticKey,
                clock.instant());
        return jdbi.inTransaction(h -> {
            long held = h.createQuery("SELECT COUNT(*) FROM enterprise_destinations WHERE enterprise_id = :e")
                    .bind("e", enterpriseId).mapTo(Long.class).one();
            if (held >= MAX_PER_ENTERPRISE) {
                return Optional.empty();
            }
            h.createUpdate("INSERT INTO enterprise_destinations (id, enterprise_id, name, kind, target, static_key,"
                            + " created_at) VALUES (:id, :e, :name, :kind, :target, :key, :at)")
                    .bind("id", d.id()).bind("e", enterpriseId).bind("name", name).bind("kind", kind.code())
                    .bind("target", target).bind("key", staticKey).bind("at", d.createdAt().toEpochMilli())
                    .execute();
            return Optional.of(d);
        });
    }

    /** The enterprise's destinations, oldest first. */
    public List<Destination> of(String enterpriseId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM enterprise_destinations WHERE enterprise_id = :e"
                        + " ORDER BY created_at, name, id")
                .bind("e", enterpriseId).map(ROW).list());
    }

    /** The enterprise's destination {@code id}; empty for an unknown id or another enterprise's. */
    public Optional<Destination> find(String enterpriseId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM enterprise_destinations WHERE enterprise_id = :e"
                        + " AND id = :id")
                .bind("e", enterpriseId).bind("id", id).map(ROW).findOne());
    }

    /** @return whether the enterprise had it */
    public boolean remove(String enterpriseId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM enterprise_destinations WHERE enterprise_id = :e"
                        + " AND id = :id")
                .bind("e", enterpriseId).bind("id", id).execute()) > 0;
    }
}
