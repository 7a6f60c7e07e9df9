package org.safelight.server.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.safelight.server.role.ReadinessCheck;

/**
 * Whether the server should take traffic ({@code GET /health/ready}): every named
 * {@link ReadinessCheck} passes and the server is not stopping. Once {@link #stopping()} is called
 * the answer stays "not ready", so a load balancer moves traffic away before requests are refused.
 * Each check gets {@link #CHECK_SECONDS} seconds; one that does not answer by then fails (a database
 * that does not answer would otherwise hold the probe for the pool's 30 s timeout). Thread-safe.
 */
public final class Readiness {
    /** How long one check may take before it counts as failed. */
    public static final long CHECK_SECONDS = 3;
    /** The longest reason a failing check reports; longer ones are cut. */
    static final int REASON_CHARS = 200;

    /** The outcome: ready or not, and per check {@code "ok"} or a short reason. */
    public record Result(boolean ready, Map<String, String> checks) {
        public Result {
            checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }
    }

    private final Map<String, ReadinessCheck> checks;
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "readiness-check");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    /** With {@code checks} run in their order; the map is copied. */
    public Readiness(Map<String, ReadinessCheck> checks) {
        this.checks = new LinkedHashMap<>(Objects.requireNonNull(checks, "checks"));
    }

    /** No checks: ready until stopping (servers started by tests). */
    public static Readiness none() {
        return new Readiness(Map.of());
    }

    /** From now on not ready: the server is stopping. */
    public void stopping() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    /** Runs every check (in parallel, each within {@link #CHECK_SECONDS}). */
    public Result evaluate() {
        Map<String, Future<?>> running = new LinkedHashMap<>();
        checks.forEach((name, check) -> running.put(name, runner.submit(() -> {
            check.check();
            return null;
        })));
        Map<String, String> answers = new LinkedHashMap<>();
        boolean ready = !stopping;
        if (stopping) {
            answers.put("shutdown", "the server is stopping");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHECK_SECONDS);
        for (Map.Entry<String, Future<?>> e : running.entrySet()) {
            String answer = answer(e.getValue(), deadline);
            answers.put(e.getKey(), answer);
            ready &= "ok".equals(answer);
        }
        return new Result(ready, answers);
    }

    private static String answer(Future<?> check, long deadline) {
        try {
            check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return "ok";
        } catch (TimeoutException e) {
            check.cancel(true);
            return "no answer within " + CHECK_SECONDS + " s";
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
