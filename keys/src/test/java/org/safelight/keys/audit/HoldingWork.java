package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Work that holds the audit writer inside its transaction until {@link #release()}: appends made
 * meanwhile queue behind it. Tests build load with it from latches, not from timing.
 */
public final class HoldingWork implements InTransaction {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public AuditEntry settle(Connection transaction, AuditEntry proposed) {
        entered.countDown();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return proposed;
    }

    /** Waits until the writer runs this work, failing the test after 30 s. */
    public void awaitHeld() throws InterruptedException {
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the writer holds the first append").isTrue();
    }

    /** Lets the writer go on; harmless to call twice. */
    public void release() {
        release.countDown();
    }
}
