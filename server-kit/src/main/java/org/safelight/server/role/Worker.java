package org.safelight.server.role;

import java.time.Duration;
import org.safelight.server.tasks.PeriodicTask;

/**
 * A role's background work: a pipeline that delivers, a mailbox poller, a sweeper. {@code serve}
 * starts every chosen role's workers after all migrations ran and every role was built, and stops
 * them (in reverse order) after the HTTP server stopped and before the database closes. A start that
 * fails stops the workers already started.
 */
public interface Worker {
    /** A short name for logs and thread names ({@code endpoint-pipeline}). */
    String name();

    /** Begins the work on the worker's own threads and returns; called once. */
    void start();

    /**
     * Stops the work and waits (bounded, a few seconds) for a round in progress to finish or give
     * up; after it returns the worker no longer touches the database. Called once, after
     * {@link #start()}; must not throw for work that failed.
     */
    void stop();

    /**
     * {@code job} at start and then every {@code every} on its own daemon thread, a failing round
     * logged and retried on schedule ({@link PeriodicTask}).
     */
    static Worker periodic(String name, Duration every, Runnable job) {
        return new Worker() {
            private PeriodicTask task;

            @Override
            public String name() {
                return name;
            }

            @Override
            public synchronized void start() {
                if (task == null) {
                    task = new PeriodicTask(name, every, job);
                }
            }

            @Override
            public synchronized void stop() {
                if (task != null) {
                    task.close();
                }
            }
        };
    }
}
