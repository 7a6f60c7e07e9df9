package org.safelight.accounts.enterprise;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.internal.Emails;

/**
 * Enterprises and who belongs to them. An address belongs to the enterprise that lists it, else
 * to the one that owns its domain, else to the one it administers; a domain or listed address
 * belongs to one enterprise at most. Membership only counts for verified addresses: anyone can
 * sign up as {@code someone@myhospital.org}, only the mailbox's owner can verify it.
 * Thread-safe.
 */
public final class Enterprises {
    private final Jdbi jdbi;
    private final Clock clock;

    public Enterprises(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Creates an enterprise with the PRO licence; the call behind
     * {@code safelight admin enterprise create}.
     *
     * @param domains email domains whose every address is a member, e.g. {@code myhospital.org}
     * @param members individual member addresses (for people outside those domains)
     * @return the new enterprise's id
     * @throws IllegalArgumentException when a value is malformed, or the admin address, a domain or a
     *                                  member already belongs to another enterprise
     */
    public String create(String name, String adminEmail, Collection<String> domains, Collection<String> members) {
        String cleanName = name == null ? "" : name.strip();
        if (cleanName.isEmpty() || cleanName.length() > 200) {
            throw new IllegalArgumentException("an enterprise needs a name of 1 to 200 characters");
        }
        String admin = Emails.normalize(adminEmail).orElseThrow(() ->
                new IllegalArgumentException("not an email address: " + adminEmail));
        Set<String> cleanDomains = new LinkedHashSet<>();
        for (String d : domains) {
            cleanDomains.add(Emails.normalizeDomain(d).orElseThrow(() ->
                    new IllegalArgumentException("not a domain name: " + d)));
        }
        Set<String> cleanMembers = new LinkedHashSet<>();
        for (String m : members) {
            cleanMembers.add(Emails.normalize(m).orElseThrow(() ->
                    new IllegalArgumentException("not an email address: " + m)));
        }
        String id = UUID.randomUUID().toString();
        jdbi.useTransaction(h -> {
            refuseTaken(h, "SELECT COUNT(*) FROM enterprises WHERE admin_email = :v", Set.of(admin),
                    "already administers an enterprise");
            refuseTaken(h, "SELECT COUNT(*) FROM enterprise_domains WHERE domain = :v", cleanDomains,
                    "already belongs to an enterprise");
            refuseTaken(h, "SELECT COUNT(*) FROM enterprise_members WHERE email = :v", cleanMembers,
                    "is already a member of an enterprise");
            h.createUpdate("INSERT INTO enterprises (id, name, admin_email, pro, created_at)"
                            + " VALUES (:id, :name, :admin, 1, :now)")
                    .bind("id", id).bind("name", cleanName).bind("admin", admin)
                    .bind("now", clock.instant().toEpochMilli()).execute();
            for (String d : cleanDomains) {
                h.createUpdate("INSERT INTO enterprise_domains (domain, enterprise_id) VALUES (:d, :id)")
                        .bind("d", d).bind("id", id).execute();
            }
            for (String m : cleanMembers) {
                h.createUpdate("INSERT INTO enterprise_members (email, enterprise_id) VALUES (:m, :id)")
                        .bind("m", m).bind("id", id).execute();
            }
        });
        return id;
    }

    /** Grants or withdraws the PRO licence; false when there is no such enterprise. */
    public boolean setPro(String id, boolean pro) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE enterprises SET pro = :pro WHERE id = :id")
                .bind("pro", pro ? 1 : 0).bind("id", id).execute()) == 1;
    }

    public Optional<Enterprise> find(String id) {
        return jdbi.withHandle(h -> load(h, "id", id));
    }

    /** The enterprise {@code email} (normalized) administers, if any. */
    public Optional<Enterprise> findByAdmin(String email) {
        return jdbi.withHandle(h -> load(h, "admin_email", email));
    }

    public List<Enterprise> list() {
        return jdbi.withHandle(h -> {
            List<String> ids = h.createQuery("SELECT id FROM enterprises ORDER BY created_at, id")
                    .mapTo(String.class).list();
            List<Enterprise> all = new ArrayList<>();
            for (String id : ids) {
                load(h, "id", id).ifPresent(all::add);
            }
            return all;
        });
    }

    /**
     * The enterprise a user belongs to, computed now (at sign-in, refresh, profile reads).
     *
     * @param email    normalized address
     * @param verified whether the user has proved they own it; if not, they belong nowhere
     */
    public Optional<Membership> membershipOf(String email, boolean verified) {
        if (!verified) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> {
            Optional<String> id = h.createQuery("SELECT enterprise_id FROM enterprise_members WHERE email = :e")
                    .bind("e", email).mapTo(String.class).findOne();
            if (id.isEmpty()) {
                id = h.createQuery("SELECT enterprise_id FROM enterprise_domains WHERE domain = :d")
                        .bind("d", Emails.domainOf(email)).mapTo(String.class).findOne();
            }
            if (id.isEmpty()) {
                id = h.createQuery("SELECT id FROM enterprises WHERE admin_email = :e")
                        .bind("e", email).mapTo(String.class).findOne();
            }
            return id.flatMap(i -> load(h, "id", i))
                    .map(e -> new Membership(e.id(), e.name(), e.pro(), e.adminEmail().equals(email)));
        });
    }

    private static void refuseTaken(Handle h, String countSql, Set<String> values, String what) {
        for (String v : values) {
            if (h.createQuery(countSql).bind("v", v).mapTo(Long.class).one() > 0) {
                throw new IllegalArgumentException(v + " " + what);
            }
        }
    }

    private static Optional<Enterprise> load(Handle h, String column, String value) {
        return h.createQuery("SELECT id, name, admin_email, pro, created_at FROM enterprises WHERE " + column + " = :v")
                .bind("v", value)
                .map((rs, ctx) -> new Row(rs.getString("id"), rs.getString("name"), rs.getString("admin_email"),
                        rs.getInt("pro") != 0, Instant.ofEpochMilli(rs.getLong("created_at"))))
                .findOne()
                .map(r -> new Enterprise(r.id(), r.name(), r.adminEmail(),
                        h.createQuery("SELECT domain FROM enterprise_domains WHERE enterprise_id = :id ORDER BY domain")
                                .bind("id", r.id()).mapTo(String.class).list(),
                        h.createQuery("SELECT email FROM enterprise_members WHERE enterprise_id = :id ORDER BY email")
                                .bind("id", r.id()).mapTo(String.class).list(),
                        r.pro(), r.createdAt()));
    }

    private record Row(String id, String name, String adminEmail, boolean pro, Instant createdAt) {
    }
}
