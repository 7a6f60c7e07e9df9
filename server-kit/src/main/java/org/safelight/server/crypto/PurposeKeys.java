package org.safelight.server.crypto;

import java.security.SecureRandom;
import java.util.List;
import org.safelight.server.db.Database;

/**
 * Keys for one purpose each (the audit chain's MAC key, the endpoint's at-rest file keys), 32 bytes,
 * stored in the {@code purpose_keys} table sealed under the master key, so that a master key
 * rotation re-seals them without changing them: audit chains and files made before still verify and
 * open. Made on first use: under a file master key, as {@link MasterKey#derive} (what earlier
 * versions used, so an upgraded deployment keeps its chain and files); under a key in a token,
 * random. Several processes making the same key at once agree on the first one stored.
 */
public final class PurposeKeys {
    /** The sealed column, for a master key rotation. */
    public static final SealedSecrets SEALED = new SealedColumn("purpose keys", "purpose_keys", List.of("label"),
            "sealed_key", key -> aad(key.get(0)));

    private static final int KEY_BYTES = 32;

    private PurposeKeys() {
    }

    /**
     * The key for {@code label}, made and stored when there is none yet. The caller wipes it when done.
     *
     * @throws MasterKeyException when the stored key does not open under {@code master}
     */
    public static byte[] get(Database db, MasterKey master, String label) {
        db.migrate(Database.SHARED);
        String sealed = stored(db, label);
        if (sealed == null) {
            byte[] fresh = master.kind() == MasterKey.Kind.FILE ? master.derive(label) : random();
            String mine = master.seal(fresh, aad(label));
            java.util.Arrays.fill(fresh, (byte) 0);
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO purpose_keys (label, sealed_key, created_at)"
                            + " VALUES (:label, :sealed, :at) ON CONFLICT (label) DO NOTHING")
                    .bind("label", label).bind("sealed", mine).bind("at", System.currentTimeMillis()).execute());
            sealed = stored(db, label);
        }
        return master.open(sealed, aad(label));
    }

    private static String stored(Database db, String label) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT sealed_key FROM purpose_keys WHERE label = :label")
                .bind("label", label).mapTo(String.class).findOne().orElse(null));
    }

    private static byte[] random() {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static String aad(String label) {
        return "purpose-key:" + label;
    }
}
