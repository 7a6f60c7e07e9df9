package org.safelight.server.crypto;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One master key rotation's work on a single value: open under the old key, seal under the new one.
 * Thread-safe.
 */
public final class Reseal {
    /** The run stopped after the rows it was allowed (as a crash would stop it): run again to continue. */
    public static final class InterruptedException extends RuntimeException {
        InterruptedException(long rows) {
            super("stopped after re-sealing " + rows + " values", null, false, false);
        }
    }

    private final MasterKey from;
    private final MasterKey to;
    private final int batch;
    private final long budget;
    private final AtomicLong spent = new AtomicLong();

    public Reseal(MasterKey from, MasterKey to, int batch) {
        this(from, to, batch, Long.MAX_VALUE);
    }

    private Reseal(MasterKey from, MasterKey to, int batch, long budget) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch is at least one row");
        }
        this.from = from;
        this.to = to;
        this.batch = batch;
        this.budget = budget;
    }

    /** The same, stopping with {@link InterruptedException} before the value after the first {@code rows} (tests of resuming). */
    public Reseal stoppingAfter(long rows) {
        return new Reseal(from, to, batch, rows);
    }

    public MasterKey from() {
        return from;
    }

    public MasterKey to() {
        return to;
    }

    public int batch() {
        return batch;
    }

    /** Whether {@code sealed} is under the new key already (a resumed run skips it). */
    public boolean done(String sealed) {
        return MasterKey.sealedBy(sealed).filter(to.id()::equals).isPresent();
    }

    /**
     * {@code sealed} re-sealed under the new key for the same owner; empty when it does not open under
     * the old key (an altered row, or a value already unreadable before the rotation).
     *
     * @throws InterruptedException when the budget is spent
     */
    public Optional<String> apply(String sealed, String aad) {
        if (spent.incrementAndGet() > budget) {
            throw new InterruptedException(budget);
        }
        byte[] plain;
        try {
            plain = from.open(sealed, aad);
        } catch (MasterKeyException unreadable) {
            return Optional.empty();
        }
        try {
            return Optional.of(to.seal(plain, aad));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
