package org.safelight.accounts.enterprise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.internal.Secrets;
import org.safelight.server.enterprise.EnterpriseAuthority;

/**
 * The secrets an enterprise's admin creates for machines: API keys (list and download the
 * enterprise's cloud reports) and key server tokens (let its key server and sync script act for
 * the enterprise). A secret reads {@code <prefix>_<id>_<256 random bits>}; it is shown once, and
 * only its SHA-256 is kept. Other roles call {@link #check} to learn which enterprise presents
 * it. Thread-safe.
 */
public final class EnterpriseCredentials implements EnterpriseAuthority {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EnterpriseCredentials.class);

    /** A credential just created; {@code secret} exists nowhere else. */
    public record Issued(String id, String secret) {
        @Override
        public String toString() {
            return "Issued[" + id + "]";
        }
    }

    /**
     * What the admin sees of a credential afterwards. {@code prefix} is the secret's start
     * ({@code slak_<id>}), which names it in a secrets manager without revealing it;
     * {@code lastUsedAt} is null until first used, and may be up to {@link #USE_RECORDED_EVERY} old.
     */
    public record Info(String id, Credential kind, String label, Instant createdAt, Instant lastUsedAt, String last4,
                       boolean revoked) {
        public String prefix() {
            return kind.prefix() + "_" + id;
        }
    }

    /** A credential's last use is written at most this often: a sync polling every second costs no write each time. */
    public static final Duration USE_RECORDED_EVERY = Duration.ofMinutes(1);
    /** The longest label, in characters. */
    public static final int MAX_LABEL = 100;

    private static final int ID_LENGTH = 16;

    private final Jdbi jdbi;
    private final Clock clock;
    /** When this process last wrote each credential's use; the database's condition covers other processes. */
    private final Map<String, Instant> useWritten = new ConcurrentHashMap<>();

    public EnterpriseCredentials(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Issued issue(String enterpriseId, Credential kind) {
        return issue(enterpriseId, kind, "");
    }

    /**
     * Makes a credential with a label for people ("sync on the EMR host").
     *
     * @throws IllegalArgumentException when the label is longer than {@link #MAX_LABEL} or holds control characters
     */
    public Issued issue(String enterpriseId, Credential kind, String label) {
        String cleanLabel = cleanLabel(label);
        String id = Secrets.shortId();
        String secret = kind.prefix() + "_" + id + "_" + Secrets.token();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO enterprise_credentials (id, enterprise_id, kind, secret_hash,"
                        + " last4, created_at, label) VALUES (:id, :ent, :kind, :hash, :last4, :now, :label)")
                .bind("id", id).bind("ent", enterpriseId).bind("kind", kind.name())
                .bind("hash", Secrets.hash(secret)).bind("last4", secret.substring(secret.length() - 4))
                .bind("now", clock.instant().toEpochMilli()).bind("label", cleanLabel).execute());
        return new Issued(id, secret);
    }

    static String cleanLabel(String label) {
        String clean = label == null ? "" : label.strip();
        if (clean.length() > MAX_LABEL) {
            throw new IllegalArgumentException("a label has at most " + MAX_LABEL + " characters");
        }
        if (clean.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a label is one line of text");
        }
        return clean;
    }

    /** The enterprise's credentials of one kind, oldest first, revoked ones included. */
    public List<Info> list(String enterpriseId, Credential kind) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, kind, label, created_at, last_used_at, last4, revoked_at"
                        + " FROM enterprise_credentials WHERE enterprise_id = :ent AND kind = :kind"
                        + " ORDER BY created_at, id")
                .bind("ent", enterpriseId).bind("kind", kind.name())
                .map((rs, ctx) -> info(rs))
                .list());
    }

    /** The enterprise's live credentials of both kinds, oldest first (the enterprise page). */
    public List<Info> live(String enterpriseId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, kind, label, created_at, last_used_at, last4, revoked_at"
                        + " FROM enterprise_credentials WHERE enterprise_id = :ent AND revoked_at IS NULL"
                        + " ORDER BY created_at, id")
                .bind("ent", enterpriseId)
                .map((rs, ctx) -> info(rs))
                .list());
    }

    private static Info info(java.sql.ResultSet rs) throws java.sql.SQLException {
        long lastUsed = rs.getLong("last_used_at");
        Instant lastUsedAt = rs.wasNull() ? null : Instant.ofEpochMilli(lastUsed);
        return new Info(rs.getString("id"), Credential.valueOf(rs.getString("kind")), rs.getString("label"),
                Instant.ofEpochMilli(rs.getLong("created_at")), lastUsedAt, rs.getString("last4"),
                rs.getObject("revoked_at") != null);
    }

    /**
     * Revokes a credential of this enterprise (again is harmless).
     *
     * @return false when the enterprise has no such credential
     */
    public boolean revoke(String enterpriseId, Credential kind, String id) {
        return jdbi.inTransaction(h -> {
            long found = h.createQuery("SELECT COUNT(*) FROM enterprise_credentials WHERE id = :id"
                            + " AND enterprise_id = :ent AND kind = :kind")
                    .bind("id", id).bind("ent", enterpriseId).bind("kind", kind.name()).mapTo(Long.class).one();
            h.createUpdate("UPDATE enterprise_credentials SET revoked_at = :now WHERE id = :id AND enterprise_id = :ent"
                            + " AND kind = :kind AND revoked_at IS NULL")
                    .bind("now", clock.instant().toEpochMilli()).bind("id", id).bind("ent", enterpriseId)
                    .bind("kind", kind.name()).execute();
            return found > 0;
        });
    }

    /** A live credential of either kind, for the password reset page. */
    public record Live(Credential kind, String id, Instant createdAt, String last4) {
    }

    /**
     * The enterprise's live credentials of both kinds made at or after {@code since}, oldest first:
     * what a password reset offers to revoke (an impostor who held the admin's account made them,
     * if anyone did, after the address was confirmed).
     */
    public List<Live> liveSince(String enterpriseId, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("SELECT kind, id, created_at, last4 FROM enterprise_credentials"
                        + " WHERE enterprise_id = :ent AND created_at >= :since AND revoked_at IS NULL"
                        + " ORDER BY created_at, id")
                .bind("ent", enterpriseId).bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new Live(Credential.valueOf(rs.getString("kind")), rs.getString("id"),
                        Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("last4")))
                .list());
    }

    /** Revokes every credential {@link #liveSince} lists, in one step; returns how many. */
    public int revokeSince(String enterpriseId, Instant since) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE enterprise_credentials SET revoked_at = :now"
                        + " WHERE enterprise_id = :ent AND created_at >= :since AND revoked_at IS NULL")
                .bind("now", clock.instant().toEpochMilli()).bind("ent", enterpriseId)
                .bind("since", since.toEpochMilli()).execute());
    }

    /** The enterprise whose live API key this is (for the cloud role's enterprise listing). */
    public Optional<String> checkApiKey(String presented) {
        return check(Credential.API_KEY, presented);
    }

    /** The enterprise whose live key server token this is (for the keys role and sync). */
    public Optional<String> checkKeyServerToken(String presented) {
        return check(Credential.KEY_SERVER_TOKEN, presented);
    }

    @Override
    public Optional<String> enterpriseOf(Credential kind, String secret) {
        return check(kind, secret);
    }

    /**
     * The enterprise that {@code presented} belongs to, if it is a live credential of this kind.
     * The lookup is by the id inside the secret; the hashes are then compared in constant time.
     */
    public Optional<String> check(Credential kind, String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        String head = kind.prefix() + "_";
        int idEnd = head.length() + ID_LENGTH;
        if (!presented.startsWith(head) || presented.length() < idEnd + 2 || presented.length() > 200
                || presented.charAt(idEnd) != '_') {
            return Optional.empty();
        }
        String id = presented.substring(head.length(), idEnd);
        String hash = Secrets.hash(presented);
        Optional<String> enterprise = jdbi.withHandle(h -> h.createQuery("SELECT enterprise_id, secret_hash"
                        + " FROM enterprise_credentials WHERE id = :id AND kind = :kind AND revoked_at IS NULL")
                .bind("id", id).bind("kind", kind.name())
                .map((rs, ctx) -> Secrets.sameHash(rs.getString("secret_hash"), hash)
                        ? Optional.of(rs.getString("enterprise_id")) : Optional.<String>empty())
                .findOne()
                .flatMap(o -> o));
        enterprise.ifPresent(e -> recordUse(id));
        return enterprise;
    }

    /**
     * Notes that a credential was used, at most once per {@link #USE_RECORDED_EVERY}: skipped in
     * memory when this process wrote it lately, and the update itself only moves a time older than
     * that (several instances behave as one). A failure to record never refuses the credential.
     */
    private void recordUse(String id) {
        Instant now = clock.instant();
        Instant written = useWritten.get(id);
        if (written != null && written.plus(USE_RECORDED_EVERY).isAfter(now)) {
            return;
        }
        useWritten.put(id, now);
        try {
            jdbi.useHandle(h -> h.createUpdate("UPDATE enterprise_credentials SET last_used_at = :now WHERE id = :id"
                            + " AND (last_used_at IS NULL OR last_used_at <= :stale)")
                    .bind("now", now.toEpochMilli()).bind("id", id)
                    .bind("stale", now.minus(USE_RECORDED_EVERY).toEpochMilli()).execute());
        } catch (RuntimeException e) {
            useWritten.remove(id);
            LOG.warn("could not record the use of enterprise credential {}: {}", id, e.getClass().getSimpleName());
        }
    }
}
