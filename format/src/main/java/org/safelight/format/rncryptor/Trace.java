package org.safelight.format.rncryptor;

import java.lang.management.ManagementFactory;
import java.time.Instant;

/**
 * Phase timestamps for profiling the CLI's file paths, on standard error when the environment
 * variable {@code SAFELIGHT_TRACE} is set: milliseconds since the JVM started, the thread, and its
 * CPU time so far, so a reader sees where a run waited and which thread was the bottleneck. Only
 * timings and byte counts, never key material. Off, each call is one test of a constant.
 */
final class Trace {
    static final boolean ON = System.getenv("SAFELIGHT_TRACE") != null;
    private static final long CHUNK_MASK = (64L << 20) - 1;

    private Trace() {
    }

    static void mark(String what) {
        if (ON) {
            long now = System.currentTimeMillis();
            long start = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(now);
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
            System.err.printf("trace %6d ms  %-19s cpu %5d ms  %s%n", now - start, Thread.currentThread().getName(), cpu, what);
        }
    }

    /** Marks {@code done} bytes when the last {@code step} crossed a multiple of 64 MiB. */
    static void every64MiB(long done, int step, String what) {
        if (ON && ((done - step) & ~CHUNK_MASK) != (done & ~CHUNK_MASK)) {
            mark(what + " " + (done >> 20) + " MiB");
        }
    }
}
