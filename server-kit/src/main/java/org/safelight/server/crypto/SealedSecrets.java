package org.safelight.server.crypto;

import org.safelight.server.db.Database;

/**
 * The values a module keeps sealed under the master key (report keys, storage tokens, endpoint
 * questions and answers, signing keys, purpose keys), as a master key rotation sees them: each
 * module exposes its sealed columns through one of these, and {@code safelight admin master-key
 * rotate} loops over them. Most are a {@link SealedColumn}.
 */
public interface SealedSecrets {
    /** What the operator reads in the rotation's report ("report keys"). */
    String name();

    /**
     * Re-seals every value not yet under {@link Reseal#to()}, in batches of {@link Reseal#batch()}
     * rows, each batch its own transaction, so that an interrupted run leaves whole batches done and
     * a later run continues where it stopped (values already under the new key are counted, not
     * touched). A table that does not exist in this database (a role that never ran here) counts as
     * empty. Values that open under neither key are counted and left as they are.
     *
     * @throws Reseal.InterruptedException when the reseal's budget of rows runs out (tests)
     */
    Resealed reseal(Database db, Reseal reseal);

    /** What one module's re-sealing did: values re-sealed now, found done already, and unreadable. */
    record Resealed(String name, long resealed, long alreadyDone, long unreadable) {
    }
}
