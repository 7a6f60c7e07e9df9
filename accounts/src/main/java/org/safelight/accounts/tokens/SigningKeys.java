package org.safelight.accounts.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.role.TokenKeys;
import org.safelight.server.tokens.TokenType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 key pairs that sign user tokens, kept in the database (tables {@code signing_keys} and
 * {@code signing_key_current}) so that every instance of the accounts role on one database signs
 * with the same current key and accepts the others' tokens. Private parts are sealed under the
 * master key with {@code "signing-key:" + kid} as associated data. Key ids are RFC 7638 thumbprints.
 *
 * <p>Each instance holds a snapshot: {@link #reload()} reads it again (the role's worker does so
 * every {@link #RELOAD_EVERY}), and {@link #publicKeysWith} reads it again when asked for a key id
 * it does not hold, at most once per {@link #UNKNOWN_KID_RELOAD}, so a rotation on another
 * instance is seen at its first token. {@link #rotate()} makes a new current key; the previous one
 * stays published until {@link #retire retired}. Thread-safe.
 */
public final class SigningKeys implements TokenKeys {
    public static final Duration RELOAD_EVERY = Duration.ofSeconds(30);
    static final Duration UNKNOWN_KID_RELOAD = Duration.ofSeconds(5);
    /** How long a key that stopped signing may still have live tokens: the longest token lifetime. */
    public static final Duration TOKENS_OUTLIVE_KEY = java.util.Arrays.stream(TokenType.values())
            .map(TokenType::maxLifetime).max(Duration::compareTo).orElseThrow();
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    /**
     * One key as {@code safelight admin signing-keys list} shows it; {@code trusted} is false for a
     * row that {@link #reload} ignores (its sealed part does not open to a key with its id).
     */
    public record KeyInfo(String kid, Instant createdAt, boolean current, Optional<Instant> supersededAt,
                          boolean trusted) {
    }

    private record Snapshot(ECKey current, JWKSet publicKeys, Instant loadedAt) {
    }

    private final Jdbi jdbi;
    private final MasterKey masterKey;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private Instant lastUnknownReload = Instant.MIN; // guarded by this
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private SigningKeys(Jdbi jdbi, MasterKey masterKey, Clock clock) {
        this.jdbi = jdbi;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    /**
     * The keys in {@code db} (migrated for accounts). On a database with no current key, imports
     * {@code dataDir}'s {@code signing-keys.json} of earlier versions when there is one (see
     * {@link LegacyKeyFile}), else makes a key; of instances starting at once, one's key wins and
     * the others use it.
     *
     * @throws IllegalStateException when a stored key does not open under this master key, or the
     *                               old file is not a set of P-256 private keys
     */
    public static SigningKeys open(Database db, MasterKey masterKey, Path dataDir, Clock clock) {
        SigningKeys keys = new SigningKeys(db.jdbi(), masterKey, clock);
        if (keys.currentKid().isEmpty()) {
            Optional<List<ECKey>> legacy = LegacyKeyFile.read(dataDir);
            List<ECKey> first = legacy.orElseGet(() -> List.of(generate(clock)));
            if (keys.insertIfNoCurrent(first)) {
                if (legacy.isPresent()) {
                    LOG.info("imported {} token signing key(s) from the data folder into the database", first.size());
                } else {
                    LOG.info("created the first token signing key");
                }
            }
        }
        LegacyKeyFile.removeIfImported(dataDir, keys.jdbi);
        keys.reload();
        return keys;
    }

    /** The key that signs new tokens. */
    public ECKey current() {
        return snapshot.current();
    }

    /** The public halves of every key, current first, as last read. */
    @Override
    public JWKSet publicKeys() {
        return snapshot.publicKeys();
    }

    /**
     * What {@code /.well-known/jwks.json} shows: the public keys, read again first when the
     * snapshot is older than {@link #UNKNOWN_KID_RELOAD}, so a remote verifier fetching after a
     * rotation or a retirement on another instance gets the database's set.
     */
    public JWKSet publishedKeys() {
        Snapshot s = snapshot;
        if (s.loadedAt().plus(UNKNOWN_KID_RELOAD).isAfter(clock.instant())) {
            return s.publicKeys();
        }
        try {
            reload();
        } catch (RuntimeException e) {
            // the database is away: the keys last read are still the best answer (verifiers refetch)
            LOG.warn("token signing keys could not be read again ({}); publishing those last read",
                    e.getClass().getSimpleName());
        }
        return snapshot.publicKeys();
    }

    /**
     * The public keys, read again from the database first when they lack {@code kid} (a key made
     * by another instance) and the last such reading is older than {@link #UNKNOWN_KID_RELOAD}.
     */
    @Override
    public JWKSet publicKeysWith(String kid) {
        JWKSet set = snapshot.publicKeys();
        if (kid == null || set.getKeyByKeyId(kid) != null) {
            return set;
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (lastUnknownReload.plus(UNKNOWN_KID_RELOAD).isAfter(now)) {
                return snapshot.publicKeys();
            }
            lastUnknownReload = now;
        }
        reload();
        return snapshot.publicKeys();
    }

    /**
     * Reads the current key and the published set from the database. A row is trusted (published,
     * verifies tokens) only if its sealed private part opens under the master key for its own key
     * id, holds a P-256 key pair whose halves match and whose RFC 7638 thumbprint is that key id:
     * the public key is taken from what opened, so whoever can write the database but lacks the
     * master key cannot add a key that verifies. Other rows are skipped with a warning.
     *
     * @throws org.safelight.server.crypto.MasterKeyException when the current key does not open
     * @throws IllegalStateException when the current key is not a valid key for its id
     */
    public void reload() {
        snapshot = jdbi.inTransaction(h -> {
            String kid = h.createQuery("SELECT kid FROM signing_key_current WHERE slot = 1").mapTo(String.class)
                    .findOne().orElseThrow(() -> new IllegalStateException("no current token signing key"));
            ECKey current = null;
            List<JWK> published = new ArrayList<>();
            for (Map.Entry<String, String> row : h.createQuery("SELECT kid, sealed_jwk FROM signing_keys ORDER BY"
                            + " CASE WHEN kid = :kid THEN 0 ELSE 1 END, created_at DESC, kid").bind("kid", kid)
                    .map((rs, ctx) -> Map.entry(rs.getString("kid"), rs.getString("sealed_jwk"))).list()) {
                if (row.getKey().equals(kid)) {
                    current = unseal(kid, row.getValue()); // the current key must open: fail loudly
                    published.add(publicHalf(current));
                    continue;
                }
                try {
                    published.add(publicHalf(unseal(row.getKey(), row.getValue())));
                } catch (RuntimeException e) {
                    warnUntrusted(row.getKey());
                }
            }
            if (current == null) {
                throw new IllegalStateException("the current token signing key has no row");
            }
            return new Snapshot(current, new JWKSet(published), clock.instant());
        });
    }

    /** Once per key id and process, naming only the key id (and that only when it looks like one). */
    private void warnUntrusted(String kid) {
        if (warned.size() < 100 && warned.add(kid)) {
            LOG.warn("token signing key {} in the database is ignored: its private part does not open under this"
                    + " master key to a key with that id (a row not made by Safelight, or sealed under another"
                    + " master key); retire it with safelight admin signing-keys retire --force",
                    kid.matches("[A-Za-z0-9_-]{1,64}") ? kid : "(with a malformed id)");
        }
    }

    /** Every key row, current first, then newest first. */
    public List<KeyInfo> list() {
        reload();
        JWKSet trusted = snapshot.publicKeys();
        String current = currentKid().orElse("");
        return jdbi.withHandle(h -> h.createQuery("SELECT kid, created_at, superseded_at FROM signing_keys"
                        + " ORDER BY CASE WHEN kid = :kid THEN 0 ELSE 1 END, created_at DESC, kid").bind("kid", current)
                .map((rs, ctx) -> {
                    long superseded = rs.getLong("superseded_at");
                    return new KeyInfo(rs.getString("kid"), Instant.ofEpochMilli(rs.getLong("created_at")),
                            rs.getString("kid").equals(current),
                            rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(superseded)),
                            trusted.getKeyByKeyId(rs.getString("kid")) != null);
                }).list());
    }

    /**
     * Makes a new key the current one (for every instance after its next reload); the previous one
     * keeps verifying its tokens until retired. Returns the new key id.
     */
    public String rotate() {
        ECKey fresh = generate(clock);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            insertKey(h, fresh, null);
            h.createUpdate("UPDATE signing_keys SET superseded_at = :now WHERE kid ="
                    + " (SELECT kid FROM signing_key_current WHERE slot = 1)").bind("now", now).execute();
            h.createUpdate("UPDATE signing_key_current SET kid = :kid WHERE slot = 1").bind("kid", fresh.getKeyID())
                    .execute();
        });
        reload();
        LOG.info("token signing key rotated; new key id {}", fresh.getKeyID());
        return fresh.getKeyID();
    }

    /**
     * Deletes an old key: tokens it signed stop verifying on every instance after its next reload.
     * Without {@code force}, refuses a key that stopped signing less than
     * {@link #TOKENS_OUTLIVE_KEY} ago (its tokens may still be in use).
     *
     * @throws IllegalArgumentException for the current key, an unknown id, or a key still in use
     */
    public void retire(String kid, boolean force) {
        jdbi.useTransaction(h -> {
            if (kid.equals(h.createQuery("SELECT kid FROM signing_key_current WHERE slot = 1").mapTo(String.class)
                    .findOne().orElse(null))) {
                throw new IllegalArgumentException("the current signing key cannot be retired; rotate first");
            }
            Optional<Long> superseded = h.createQuery("SELECT COALESCE(superseded_at, created_at) FROM signing_keys"
                    + " WHERE kid = :kid").bind("kid", kid).mapTo(Long.class).findOne();
            if (superseded.isEmpty()) {
                throw new IllegalArgumentException("no signing key with id " + kid);
            }
            Instant safe = Instant.ofEpochMilli(superseded.get()).plus(TOKENS_OUTLIVE_KEY);
            if (!force && safe.isAfter(clock.instant())) {
                throw new IllegalArgumentException("tokens signed by key " + kid + " may be in use until " + safe
                        + "; retire it after that, or give --force to end them now");
            }
            h.createUpdate("DELETE FROM signing_keys WHERE kid = :kid").bind("kid", kid).execute();
        });
        reload();
        LOG.info("token signing key {} retired", kid);
    }

    Optional<String> currentKid() {
        return jdbi.withHandle(h -> h.createQuery("SELECT kid FROM signing_key_current WHERE slot = 1")
                .mapTo(String.class).findOne());
    }

    /** Stores {@code keys} and makes the first current, unless a current key exists (then stores nothing). */
    private boolean insertIfNoCurrent(List<ECKey> keys) {
        try {
            jdbi.useTransaction(h -> {
                for (ECKey k : keys) {
                    if (h.createQuery("SELECT COUNT(*) FROM signing_keys WHERE kid = :kid").bind("kid", k.getKeyID())
                            .mapTo(Integer.class).one() == 0) {
                        // the file's later keys signed before the first did: treat them as superseded now
                        insertKey(h, k, k == keys.get(0) ? null : clock.millis());
                    }
                }
                int made = h.createUpdate("INSERT INTO signing_key_current (slot, kid) VALUES (1, :kid)"
                        + " ON CONFLICT (slot) DO NOTHING").bind("kid", keys.get(0).getKeyID()).execute();
                if (made == 0) {
                    throw new LostRace(); // another instance's key is current: ours are not wanted
                }
            });
            return true;
        } catch (LostRace e) {
            return false;
        }
    }

    /** Rolls the first start's transaction back when another instance made the current key first. */
    private static final class LostRace extends RuntimeException {
        LostRace() {
            super(null, null, false, false);
        }
    }

    private void insertKey(Handle h, ECKey key, Long supersededAt) {
        Date iat = key.getIssueTime();
        long created = iat != null ? iat.getTime() : clock.millis();
        h.createUpdate("INSERT INTO signing_keys (kid, sealed_jwk, created_at, superseded_at)"
                        + " VALUES (:kid, :sealed, :created, :superseded)")
                .bind("superseded", supersededAt)
                .bind("kid", key.getKeyID())
                .bind("sealed", masterKey.seal(key.toJSONString().getBytes(StandardCharsets.UTF_8), aad(key.getKeyID())))
                .bind("created", created).execute();
    }

    /**
     * The private key sealed in a row, checked: P-256, the key id inside is the row's, the public
     * half matches the private one, and the key id is the RFC 7638 thumbprint of that public half.
     */
    private ECKey unseal(String kid, String sealed) {
        byte[] json;
        try {
            json = masterKey.open(sealed, aad(kid));
        } catch (org.safelight.server.crypto.MasterKeyException e) {
            throw new org.safelight.server.crypto.MasterKeyException("the token signing key " + kid + " in the"
                    + " database does not open under this master key: every instance on one database needs the same"
                    + " master key (" + MasterKey.ENV + ", or the same " + MasterKey.FILE_NAME + ")", e);
        }
        try {
            JWK jwk = JWK.parse(new String(json, StandardCharsets.UTF_8));
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())
                    || !kid.equals(ec.getKeyID()) || !kid.equals(ec.computeThumbprint().toString())
                    || !halvesMatch(ec)) {
                throw new IllegalStateException("stored signing key " + kid + " is not a P-256 key pair with that id");
            }
            return ec;
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("stored signing key " + kid + " is not a JWK", e);
        } finally {
            java.util.Arrays.fill(json, (byte) 0);
        }
    }

    /** The public JWK made from the opened key's point alone (no other member of the stored JSON). */
    private static ECKey publicHalf(ECKey key) {
        return new ECKey.Builder(Curve.P_256, key.getX(), key.getY()).keyID(key.getKeyID()).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).build();
    }

    /** Whether the public half belongs to the private one: a signature by the one verifies under the other. */
    private static boolean halvesMatch(ECKey key) throws JOSEException {
        byte[] probe = "safelight signing key check".getBytes(StandardCharsets.US_ASCII);
        JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);
        Base64URL signature = new ECDSASigner(key).sign(header, probe);
        return new ECDSAVerifier(key.toECPublicKey()).verify(header, probe, signature);
    }

    static String aad(String kid) {
        return "signing-key:" + kid;
    }

    static ECKey generate(Clock clock) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).issueTime(Date.from(clock.instant())).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("the Java runtime cannot make P-256 keys", e);
        }
    }
}
