package org.safelight.server.limits;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a limit counts (a client address, an e-mail address, a user id) into the key of its
 * row in {@code rate_buckets}: HMAC-SHA256 under a random 32-byte secret of the deployment. A plain
 * hash of an IPv4 address or of a known e-mail address is reversed by trying them all; without the
 * secret it is not. The secret is made once, by the first instance that needs it, and kept in
 * {@code server_state} under {@value #STATE_NAME}, sealed under the master key (associated data
 * {@code "server-state:" + STATE_NAME}), so a dump of the database alone does not hold it. Every
 * instance on the database uses the same one, so they still share buckets. Thread-safe.
 */
final class BucketKeys {
    /** The {@code server_state} row that holds the sealed secret. */
    static final String STATE_NAME = "rate-limit-key";
    static final String AAD = "server-state:" + STATE_NAME;
    private static final Logger LOG = LoggerFactory.getLogger(BucketKeys.class);

    private final Jdbi jdbi;
    private final MasterKey masterKey;
    private volatile SecretKeySpec secret;

    BucketKeys(Jdbi jdbi, MasterKey masterKey) {
        this.jdbi = jdbi;
        this.masterKey = masterKey;
    }

    /** The row key for {@code counted}: base64url of its HMAC. */
    String of(String counted) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret());
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(counted.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
        }
    }

    private SecretKeySpec secret() {
        SecretKeySpec s = secret;
        if (s == null) {
            synchronized (this) {
                if (secret == null) {
                    secret = load();
                }
                s = secret;
            }
        }
        return s;
    }

    /** The stored secret, made first if there is none (of instances making it at once, one wins). */
    private SecretKeySpec load() {
        // Read before making one: what is stored opens without sealing anything, also during a rotation.
        java.util.Optional<String> existing = storedIfAny();
        if (existing.isPresent()) {
            try {
                return open(existing.get());
            } catch (MasterKeyException e) {
                // sealed under an earlier master key: made afresh below
            }
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try {
            String sealed = masterKey.seal(fresh, AAD);
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_state (name, value) VALUES (:name, :value)"
                    + " ON CONFLICT (name) DO NOTHING").bind("name", STATE_NAME).bind("value", sealed).execute());
            String stored = stored();
            try {
                return open(stored);
            } catch (MasterKeyException e) {
                // sealed under an earlier master key: replacing it loses nothing but the buckets' counts
                LOG.warn("the rate-limit secret in the database does not open under this master key; making a new one"
                        + " (rate limits start afresh)");
                jdbi.useHandle(h -> h.createUpdate("UPDATE server_state SET value = :value WHERE name = :name"
                        + " AND value = :old").bind("value", sealed).bind("name", STATE_NAME).bind("old", stored)
                        .execute());
                return open(stored()); // still not: another instance has another master key, and says so
            }
        } finally {
            Arrays.fill(fresh, (byte) 0);
        }
    }

    private String stored() {
        return storedIfAny().orElseThrow();
    }

    private java.util.Optional<String> storedIfAny() {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM server_state WHERE name = :name")
                .bind("name", STATE_NAME).mapTo(String.class).findOne());
    }

    private SecretKeySpec open(String sealed) {
        byte[] raw = masterKey.open(sealed, AAD);
        try {
            return new SecretKeySpec(raw, "HmacSHA256");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
