package org.safelight.server.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.safelight.server.role.ReadinessCheck;

/**
 * Whether the server should take traffic ({@code GET /health/ready}): every named
 * {@link ReadinessCheck} passes and the server is not stopping. Once {@link #stopping()} is called
 * the answer stays "not ready", so a load balancer moves traffic away before requests are refused.
 * Each check gets {@link #CHECK_SECONDS} seconds; one that does not answer by then fails (a database
 * that does not answer would otherwise hold the probe for the pool's 30 s timeout).
 *
 * <p>{@link #current()} runs the checks at most once per interval, one run at a time: the endpoint
 * is public and the roles' checks are costly (an object written to S3, the audit log's write lock),
 * so a flood of probes must cost no more than one probe. Each check runs on one of a fixed set of
 * threads (one per check) and is not started again while a run of it still has not returned.
 * Thread-safe.
 */
public final class Readiness {
    /** How long one check may take before it counts as failed. */
    public static final long CHECK_SECONDS = 3;
    /** How long a result is reused by default: shorter than a load balancer's usual 5-10 s probe period. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** The longest reason a failing check reports; longer ones are cut. */
    static final int REASON_CHARS = 200;
    private static final String NO_ANSWER = "no answer within " + CHECK_SECONDS + " s";

    /** The outcome: ready or not, and per check {@code "ok"} or a short reason. */
    public record Result(boolean ready, Map<String, String> checks) {
        public Result {
            checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }
    }

    private record Timed(Result result, long at) { }

    private final Map<String, ReadinessCheck> checks;
    private final long intervalNanos;
    private final ThreadPoolExecutor runner;
    /** Per check, its last run; not started again until that one returned. */
    private final Map<String, Run> lastRuns = new LinkedHashMap<>();
    private final ReentrantLock evaluating = new ReentrantLock();
    private volatile Timed last;
    private volatile boolean stopping;

    /** With {@code checks} run in their order (the map is copied), each result reused for {@link #DEFAULT_INTERVAL}. */
    public Readiness(Map<String, ReadinessCheck> checks) {
        this(checks, DEFAULT_INTERVAL);
    }

    /** With {@code checks} run in their order (the map is copied), each result reused for {@code interval}. */
    public Readiness(Map<String, ReadinessCheck> checks, Duration interval) {
        this.checks = new LinkedHashMap<>(Objects.requireNonNull(checks, "checks"));
        if (interval.isNegative()) {
            throw new IllegalArgumentException("the readiness interval cannot be negative");
        }
        this.intervalNanos = interval.toNanos();
        int threads = Math.max(1, this.checks.size());
        runner = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "readiness-check");
            t.setDaemon(true);
            return t;
        });
        runner.allowCoreThreadTimeOut(true); // idle between probes: no threads kept
    }

    /** No checks: ready until stopping (servers started by tests). */
    public static Readiness none() {
        return new Readiness(Map.of());
    }

    /** From now on not ready: the server is stopping. Shows in the very next {@link #current()}. */
    public void stopping() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    /**
     * The last result when it is younger than the interval; else this caller runs the checks, and
     * callers meanwhile get the last result (or, before the first one, wait for it). Stopping shows
     * at once, whatever the age of the result.
     */
    public Result current() {
        Timed seen = last;
        if (seen == null || stale(seen)) {
            if (seen == null) {
                evaluating.lock(); // nothing to answer with yet: wait for the run under way
            } else if (!evaluating.tryLock()) {
                return withStopping(seen.result());
            }
            try {
                seen = last;
                if (seen == null || stale(seen)) {
                    seen = new Timed(run(), System.nanoTime());
                    last = seen;
                }
            } finally {
                evaluating.unlock();
            }
        }
        return withStopping(seen.result());
    }

    private boolean stale(Timed seen) {
        return System.nanoTime() - seen.at() >= intervalNanos;
    }

    private Result withStopping(Result result) {
        if (!stopping) {
            return result;
        }
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("shutdown", "the server is stopping");
        answers.putAll(result.checks());
        return new Result(false, answers);
    }

    /** Under {@link #evaluating}: starts the checks whose last run returned, then collects every answer. */
    private Result run() {
        Map<String, Future<?>> running = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            Run previous = lastRuns.get(name);
            if (previous == null || !previous.busy()) {
                previous = new Run();
                previous.start(runner, check);
                lastRuns.put(name, previous);
            }
            running.put(name, previous.future);
        });
        Map<String, String> answers = new LinkedHashMap<>();
        boolean ready = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHECK_SECONDS);
        for (Map.Entry<String, Future<?>> e : running.entrySet()) {
            String answer = answer(e.getValue(), deadline);
            answers.put(e.getKey(), answer);
            ready &= "ok".equals(answer);
        }
        return new Result(ready, answers);
    }

    /**
     * One run of a check. A cancelled future is "done" while its thread may still be blocked in the
     * check (an interrupt does not free a thread waiting on a monitor or in I/O), so whether it
     * returned is tracked here: at most one thread per check, however long a check hangs.
     */
    private static final class Run {
        private final AtomicBoolean started = new AtomicBoolean();
        private final AtomicBoolean returned = new AtomicBoolean();
        private Future<?> future;

        void start(ThreadPoolExecutor runner, ReadinessCheck check) {
            future = runner.submit(() -> {
                started.set(true);
                try {
                    check.check();
                } finally {
                    returned.set(true);
                }
                return null;
            });
        }

        boolean busy() {
            return !future.isDone() || (started.get() && !returned.get());
        }
    }

    private static String answer(Future<?> check, long deadline) {
        try {
            check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return "ok";
        } catch (TimeoutException e) {
            check.cancel(true); // frees the thread only if the check heeds interrupts; else it stays busy
            return NO_ANSWER;
        } catch (java.util.concurrent.CancellationException e) {
            return NO_ANSWER; // a stuck run from before, cancelled and still not returned
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return reason(e.getCause());
        }
    }

    /** A failing check's message, on one line and cut short; its class name when it has none. */
    static String reason(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > REASON_CHARS ? line.substring(0, REASON_CHARS) + "..." : line;
    }
}
