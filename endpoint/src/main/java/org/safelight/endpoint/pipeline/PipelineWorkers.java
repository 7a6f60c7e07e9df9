package org.safelight.endpoint.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that run the {@link Pipeline}: each takes due steps until none is left, then waits for
 * {@link #wake} (a report was stored) or the poll interval (a retry came due, another instance
 * stored one). Started after the migrations, closed before the database.
 */
public final class PipelineWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineWorkers.class);

    private final Pipeline pipeline;
    private final int count;
    private final Duration poll;
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private long wakes;

    public PipelineWorkers(Pipeline pipeline, int count, Duration poll) {
        this.pipeline = pipeline;
        this.count = count;
        this.poll = poll;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::loop, "endpoint-pipeline-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Something may be due now. */
    public void wake() {
        synchronized (signal) {
            wakes++;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            long seen;
            synchronized (signal) {
                seen = wakes;
            }
            boolean worked;
            try {
                worked = pipeline.runOnce();
            } catch (RuntimeException e) {
                LOG.error("the endpoint's pipeline failed ({})", e.getClass().getSimpleName());
                worked = false;
            }
            if (worked) {
                continue;
            }
            synchronized (signal) {
                if (running && wakes == seen) {
                    try {
                        signal.wait(poll.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Stops taking new steps and waits (up to a minute) for the ones under way. */
    @Override
    public synchronized void close() {
        running = false;
        wake();
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }
}
