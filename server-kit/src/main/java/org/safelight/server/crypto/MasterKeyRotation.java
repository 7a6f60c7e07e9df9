package org.safelight.server.crypto;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.safelight.server.db.Database;

/**
 * The bookkeeping of a master key rotation, in {@code server_state}: a row naming the old and the
 * new key is written before the first value is re-sealed and removed only when every value is under
 * the new key. While it is there, the stored secrets are under two keys, so no server may start
 * ({@link #refuseIfUnfinished}) and the operator runs the rotation again to finish it.
 */
public final class MasterKeyRotation {
    /** The {@code server_state} row of a rotation under way. */
    public static final String STATE = "master-key-rotation";

    /** A rotation is under way: servers refuse to start until it is finished. */
    public static final class UnfinishedException extends MasterKeyException {
        public UnfinishedException(String message) {
            super(message, null);
        }
    }

    private MasterKeyRotation() {
    }

    /** What the unfinished rotation recorded ({@code from=ID to=ID started=TIME}), if one is under way. */
    public static Optional<String> unfinished(Database db) {
        db.migrate(Database.SHARED);
        return db.jdbi().withHandle(h -> h.createQuery("SELECT value FROM server_state WHERE name = :name")
                .bind("name", STATE).mapTo(String.class).findOne());
    }

    /**
     * @throws UnfinishedException saying how to finish it, when a rotation is under way
     */
    public static void refuseIfUnfinished(Database db) {
        Optional<String> state = unfinished(db);
        if (state.isPresent()) {
            throw new UnfinishedException("a master key rotation is unfinished (" + state.get() + "): the stored"
                    + " secrets are under two keys; run 'safelight admin master-key rotate' again with the same options"
                    + " to finish it, then start the server with the new key");
        }
    }

    /**
     * Records that values are about to move from {@code from} to {@code to}; a no-op when that very
     * rotation is recorded already (a resumed run).
     *
     * @throws UnfinishedException when another rotation (to another key) is unfinished
     */
    public static void begin(Database db, MasterKey from, MasterKey to) {
        Optional<String> state = unfinished(db);
        String mine = "from=" + from.id() + " to=" + to.id();
        if (state.isPresent()) {
            if (!state.get().startsWith(mine + " ")) {
                throw new UnfinishedException("another master key rotation is unfinished (" + state.get() + "):"
                        + " finish it with the key it moves to (" + mine + " was asked)");
            }
            return;
        }
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO server_state (name, value) VALUES (:name, :value)")
                .bind("name", STATE).bind("value", mine + " started=" + Instant.now()).execute());
    }

    /** Re-seals every module's values, one after the other, and returns what each did. */
    public static List<SealedSecrets.Resealed> reseal(Database db, List<SealedSecrets> secrets, Reseal reseal) {
        List<SealedSecrets.Resealed> done = new ArrayList<>();
        for (SealedSecrets s : secrets) {
            done.add(s.reseal(db, reseal));
        }
        return done;
    }

    /**
     * Passes over every module again and again until a pass finds nothing left under the old key
     * (values that open under neither key aside), so that values a server still running elsewhere
     * sealed under the old key during the first pass are not lost with it. Returns how many values
     * these later passes re-sealed.
     *
     * @throws UnfinishedException when values under the old key still appear after {@code maxPasses}
     *     passes: something keeps sealing under it
     */
    public static long rescanUntilNoneLeft(Database db, List<SealedSecrets> secrets, Reseal reseal, int maxPasses) {
        long total = 0;
        for (int pass = 0; pass < maxPasses; pass++) {
            long found = 0;
            for (SealedSecrets.Resealed r : reseal(db, secrets, reseal)) {
                found += r.resealed();
            }
            if (found == 0) {
                return total;
            }
            total += found;
        }
        throw new UnfinishedException("values are still being sealed under the old master key after " + maxPasses
                + " passes: a server is still running on this database; stop every instance and run 'safelight admin"
                + " master-key rotate' again with the same options");
    }

    /** Every value is under the new key: servers may start again. */
    public static void finish(Database db) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM server_state WHERE name = :name")
                .bind("name", STATE).execute());
    }
}
