package org.safelight.server.tasks;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a housekeeping job (the cloud's expiry sweep, purging spent tokens) at once and then every
 * {@code every}, on its own daemon thread, until closed. A round that throws is logged by its
 * exception's class only (messages may carry data) and the next round runs as planned. One warning
 * per run of failures: the rounds that fail after it the same way are logged at debug, and the
 * first round that succeeds again says so, so a job failing every minute for a day is three lines,
 * not fourteen hundred.
 */
public final class PeriodicTask implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);
    private final ScheduledExecutorService executor;

    public PeriodicTask(String name, Duration every, Runnable job) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(new Runnable() {
            private String failing; // the exception class of the current run of failures; null while it works

            @Override
            public void run() {
                try {
                    job.run();
                    if (failing != null) {
                        LOG.info("{} works again", name);
                        failing = null;
                    }
                } catch (RuntimeException e) {
                    String what = e.getClass().getSimpleName();
                    if (what.equals(failing)) {
                        LOG.debug("{} failed again ({})", name, what);
                    } else {
                        LOG.warn("{} failed this round ({}); it will run again", name, what);
                        failing = what;
                    }
                }
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the schedule and waits up to 10 s for a round in progress. */
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
