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
        String cleanName = cleanName(name);
        String admin = cleanAdmin(adminEmail);
        Set<String> cleanDomains = cleanDomains(domains);
        Set<String> cleanMembers = cleanMembers(members);
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
            insertDomains(h, id, cleanDomains);
            insertMembers(h, id, cleanMembers);
        });
        return id;
    }

    /**
     * Changes what is given (a null argument keeps its value; a list given replaces the old one).
     * The call behind {@code safelight admin enterprise update}. Membership follows at once: it is
     * read from these tables whenever a key or an upload is made.
     *
     * @return the enterprise as it now is
     * @throws IllegalArgumentException as {@link #create} does, and when there is no such enterprise
     */
    public Enterprise update(String id, String name, String adminEmail, Collection<String> domains,
                             Collection<String> members) {
        String cleanName = name == null ? null : cleanName(name);
        String admin = adminEmail == null ? null : cleanAdmin(adminEmail);
        Set<String> cleanDomains = domains == null ? null : cleanDomains(domains);
        Set<String> cleanMembers = members == null ? null : cleanMembers(members);
        return jdbi.inTransaction(h -> {
            if (load(h, "id", id).isEmpty()) {
                throw new IllegalArgumentException("no enterprise " + id);
            }
            String others = " AND %s <> :self";
            if (admin != null) {
                refuseTaken(h, "SELECT COUNT(*) FROM enterprises WHERE admin_email = :v" + others.formatted("id"),
                        id, Set.of(admin), "already administers another enterprise");
                h.createUpdate("UPDATE enterprises SET admin_email = :a WHERE id = :id").bind("a", admin)
                        .bind("id", id).execute();
            }
            if (cleanName != null) {
                h.createUpdate("UPDATE enterprises SET name = :n WHERE id = :id").bind("n", cleanName)
                        .bind("id", id).execute();
            }
            if (cleanDomains != null) {
                refuseTaken(h, "SELECT COUNT(*) FROM enterprise_domains WHERE domain = :v"
                        + others.formatted("enterprise_id"), id, cleanDomains, "already belongs to another enterprise");
                h.createUpdate("DELETE FROM enterprise_domains WHERE enterprise_id = :id").bind("id", id).execute();
                insertDomains(h, id, cleanDomains);
            }
            if (cleanMembers != null) {
                refuseTaken(h, "SELECT COUNT(*) FROM enterprise_members WHERE email = :v"
                        + others.formatted("enterprise_id"), id, cleanMembers,
                        "is already a member of another enterprise");
                h.createUpdate("DELETE FROM enterprise_members WHERE enterprise_id = :id").bind("id", id).execute();
                insertMembers(h, id, cleanMembers);
            }
            return load(h, "id", id).orElseThrow();
        });
    }

    /**
     * The enterprise an operator names: by its id, or by its name (case and surrounding spaces
     * ignored).
     *
     * @throws IllegalArgumentException when several enterprises have that name
     */
    public Optional<Enterprise> named(String idOrName) {
        String wanted = idOrName == null ? "" : idOrName.strip();
        Optional<Enterprise> byId = find(wanted);
        if (byId.isPresent()) {
            return byId;
        }
        List<Enterprise> byName = list().stream().filter(e -> e.name().equalsIgnoreCase(wanted)).toList();
        if (byName.size() > 1) {
            throw new IllegalArgumentException(byName.size() + " enterprises are named '" + wanted
                    + "': give the id of the one you mean");
        }
        return byName.stream().findFirst();
    }

    private static String cleanName(String name) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 200) {
            throw new IllegalArgumentException("an enterprise needs a name of 1 to 200 characters");
        }
        return clean;
    }

    private static String cleanAdmin(String adminEmail) {
        return Emails.normalize(adminEmail).orElseThrow(() ->
                new IllegalArgumentException("not an email address: " + adminEmail));
    }

    private static Set<String> cleanDomains(Collection<String> domains) {
        Set<String> clean = new LinkedHashSet<>();
        for (String d : domains) {
            clean.add(Emails.normalizeDomain(d).orElseThrow(() ->
                    new IllegalArgumentException("not a domain name: " + d)));
        }
        return clean;
    }

    private static Set<String> cleanMembers(Collection<String> members) {
        Set<String> clean = new LinkedHashSet<>();
        for (String m : members) {
            clean.add(Emails.normalize(m).orElseThrow(() ->
                    new IllegalArgumentException("not an email address: " + m)));
        }
        return clean;
    }

    private static void insertDomains(Handle h, String id, Set<String> domains) {
        for (String d : domains) {
            h.createUpdate("INSERT INTO enterprise_domains (domain, enterprise_id) VALUES (:d, :id)")
                    .bind("d", d).bind("id", id).execute();
        }
    }

    private static void insertMembers(Handle h, String id, Set<String> members) {
        for (String m : members) {
            h.createUpdate("INSERT INTO enterprise_members (email, enterprise_id) VALUES (:m, :id)")
                    .bind("m", m).bind("id", id).execute();
        }
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

    /** A confirmed account at one of an enterprise's domains; {@code confirmedAt} null if not recorded. */
    public record DomainMember(String email, String name, Instant confirmedAt) {
    }

    /**
     * The confirmed accounts whose address is at one of enterprise {@code id}'s domains, by address,
     * at most {@code limit}; an address another enterprise lists by name belongs to that one and is
     * left out. An unconfirmed account is no member (anyone can sign up with any address).
     */
    public List<DomainMember> domainMembers(String id, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.email, u.first_name, u.last_name, u.verified_at"
                        + " FROM users u JOIN enterprise_domains d ON d.enterprise_id = :id"
                        // the address ends with "@" + domain (compared whole, no LIKE wildcards)
                        + " AND substr(u.email, length(u.email) - length(d.domain)) = '@' || d.domain"
                        + " WHERE u.email_verified = 1 AND NOT EXISTS (SELECT 1 FROM enterprise_members m"
                        + " WHERE m.email = u.email AND m.enterprise_id <> :id)"
                        + " ORDER BY u.email LIMIT :limit")
                .bind("id", id).bind("limit", limit)
                .map((rs, ctx) -> {
                    long at = rs.getLong("verified_at");
                    return new DomainMember(rs.getString("email"),
                            (rs.getString("first_name") + " " + rs.getString("last_name")).strip(),
                            rs.wasNull() ? null : Instant.ofEpochMilli(at));
                })
                .list());
    }

    private static void refuseTaken(Handle h, String countSql, Set<String> values, String what) {
        refuseTaken(h, countSql, "", values, what);
    }

    private static void refuseTaken(Handle h, String countSql, String self, Set<String> values, String what) {
        for (String v : values) {
            var query = h.createQuery(countSql).bind("v", v);
            if (countSql.contains(":self")) {
                query.bind("self", self);
            }
            if (query.mapTo(Long.class).one() > 0) {
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
