package org.safelight.bench.load;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator at a steady rate (what wrk2 does; wrk2 is not packaged in Debian):
 * request {@code i} is due at {@code start + i / rate}, whatever happened to the ones before it, and
 * its latency is counted from that <em>intended</em> time, not from when a connection was free to
 * send it. A server that stalls for 50 ms therefore shows 50 ms of latency on every request that fell
 * due during the stall, instead of hiding them behind the one slow answer (coordinated omission).
 *
 * <p>A fixed number of keep-alive connections (plain sockets, HTTP/1.1, one request in flight per
 * connection) each take the next due request, wait for its time, send it and read the answer. One
 * line is printed at the end, {@code key=value} pairs for the calling script:
 * {@code rate=1000 duration_s=15 sent=15000 ok=15000 errors=0 achieved=999.9 p50_ms=.. p90_ms=..
 * p99_ms=.. p999_ms=.. max_ms=.. warmup_ok=..}; errors are answers other than 200 and broken
 * connections; {@code warmup_ok} counts the 200s of the warm-up, which is not measured.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.safelight.bench.load.SteadyRate URL RATE DURATION_S [WARMUP_S] [CONNECTIONS]
 * </pre>
 * An extra request header, e.g. {@code Authorization: Bearer ...}, comes from the environment variable
 * {@value #HEADER_ENV}, so that it does not show in the process list.
 */
public final class SteadyRate {
    static final String HEADER_ENV = "STEADY_RATE_HEADER";

    private final URI url;
    private final double rate;
    private final long warmupRequests;
    private final long measuredRequests;
    private final int connections;
    private final byte[] request;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong warmupOk = new AtomicLong();
    /** Nanoseconds late per measured request (its answer's time minus its intended send time); -1 for none. */
    private final long[] latencies;
    private final AtomicLong lastAnswer = new AtomicLong();
    private long start;

    SteadyRate(URI url, String header, double rate, double durationSeconds, double warmupSeconds, int connections) {
        this.url = url;
        this.rate = rate;
        this.warmupRequests = Math.round(rate * warmupSeconds);
        this.measuredRequests = Math.round(rate * durationSeconds);
        this.connections = connections;
        this.latencies = new long[Math.toIntExact(measuredRequests)];
        Arrays.fill(latencies, -1);
        String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + (header == null || header.isBlank() ? "" : header.strip() + "\r\n") + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SteadyRate URL RATE DURATION_S [WARMUP_S] [CONNECTIONS]");
            System.exit(2);
        }
        SteadyRate load = new SteadyRate(URI.create(args[0]), System.getenv(HEADER_ENV), Double.parseDouble(args[1]),
                Double.parseDouble(args[2]), args.length > 3 ? Double.parseDouble(args[3]) : 2,
                args.length > 4 ? Integer.parseInt(args[4]) : 16);
        System.out.println(load.run());
    }

    String run() throws InterruptedException {
        Thread[] workers = new Thread[connections];
        start = System.nanoTime() + 50_000_000L; // every worker is up before the first request falls due
        for (int i = 0; i < connections; i++) {
            workers[i] = new Thread(this::work, "steady-rate-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return summary();
    }

    private long due(long i) {
        return start + (long) (i * 1e9 / rate);
    }

    private void work() {
        long total = warmupRequests + measuredRequests;
        HttpConnection connection = null;
        for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
            long due = due(i);
            for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                LockSupport.parkNanos(due - now);
            }
            int status;
            try {
                if (connection == null) {
                    connection = new HttpConnection(url.getHost(), url.getPort());
                }
                status = connection.exchange(request);
                if (!connection.reusable()) {
                    connection.close();
                    connection = null;
                }
            } catch (IOException e) {
                status = -1;
                if (connection != null) {
                    connection.close();
                    connection = null;
                }
            }
            long answered = System.nanoTime();
            if (i >= warmupRequests) {
                latencies[(int) (i - warmupRequests)] = answered - due;
                (status == 200 ? ok : errors).incrementAndGet();
                lastAnswer.accumulateAndGet(answered, Math::max);
            } else if (status == 200) {
                warmupOk.incrementAndGet();
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    private String summary() {
        long[] measured = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        double seconds = (lastAnswer.get() - due(warmupRequests)) / 1e9;
        return String.format(Locale.ROOT,
                "rate=%.0f duration_s=%.1f sent=%d ok=%d errors=%d achieved=%.1f p50_ms=%.2f p90_ms=%.2f"
                        + " p99_ms=%.2f p999_ms=%.2f max_ms=%.2f warmup_ok=%d",
                rate, measuredRequests / rate, measured.length, ok.get(), errors.get(),
                seconds > 0 ? measured.length / seconds : 0, pct(measured, 50), pct(measured, 90), pct(measured, 99),
                pct(measured, 99.9), measured.length == 0 ? 0 : measured[measured.length - 1] / 1e6, warmupOk.get());
    }

    /** The nearest-rank percentile, in milliseconds. */
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
