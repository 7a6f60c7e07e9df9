package org.safelight.server.crypto;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.safelight.server.db.Database;

/**
 * A running server's look at the rotation bookkeeping ({@link MasterKeyRotation#STATE}), read every
 * {@link #EVERY} by {@code serve}: once a rotation is recorded, the process's master key stops
 * sealing (values sealed under it now would be lost when it is retired; opening goes on) and the
 * server is no longer ready. Both stay so until the server is restarted, because after the rotation
 * the key this process holds is the retired one. {@code safelight admin master-key rotate} waits
 * longer than {@link #EVERY} after recording the rotation before it re-seals anything.
 */
public final class RotationWatch {
    /** How often a server reads the bookkeeping. */
    public static final Duration EVERY = Duration.ofSeconds(10);

    private final Database db;
    private final Supplier<Optional<MasterKey>> key;
    private volatile String seen;

    /**
     * @param key the process's master key once loaded (empty while no role has needed it: a server
     *     that loads it later is refused during a rotation by {@link MasterKeyRotation#refuseIfUnfinished})
     */
    public RotationWatch(Database db, Supplier<Optional<MasterKey>> key) {
        this.db = db;
        this.key = key;
    }

    /** Reads the bookkeeping once; what the periodic task runs. */
    public void poll() {
        if (seen == null && MasterKeyRotation.unfinished(db).isPresent()) {
            seen = "a master key rotation is under way: this server seals nothing new until it is restarted with"
                    + " the new master key once the rotation has finished";
        }
        String why = seen;
        if (why != null) {
            key.get().ifPresent(k -> k.refuseSealing(why));
        }
    }

    /** The readiness check: fails once a rotation was seen. */
    public void check() {
        String why = seen;
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }
}
