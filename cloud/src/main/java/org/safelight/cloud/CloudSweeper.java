package org.safelight.cloud;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@link CloudStore#sweepExpired()} every few minutes on a daemon thread until closed. */
public final class CloudSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudSweeper.class);
    private final ScheduledExecutorService executor;

    public CloudSweeper(CloudStore store, Duration every) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cloud-sweeper");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                store.sweepExpired();
            } catch (RuntimeException e) {
                LOG.warn("the cloud sweeper failed this round ({}); it will try again", e.getClass().getSimpleName());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
