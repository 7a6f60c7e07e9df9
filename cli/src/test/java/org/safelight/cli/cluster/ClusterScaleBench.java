package org.safelight.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.safelight.cli.cluster.ClusterClient.Answer;
import org.safelight.cli.cluster.ClusterClient.User;

/**
 * Figures for the README's "Deployment" section: key fetches/s and cloud downloads/s through nginx
 * with one, two and three instances on one PostgreSQL (durable commits) and one S3 bucket, with
 * their median and 99th percentile latency, next to {@code /health} through the same nginx (no
 * database: the ceiling of the machine, the client and nginx). Closed loop: each of
 * {@code CONNECTIONS} client threads sends its next request when the last one was answered.
 *
 * <p>Not part of the test suite (its name matches none of surefire's patterns): run by
 * {@code bench/cluster-scale.sh}, which names it with {@code -Dtest}. Settings are system
 * properties: {@code cluster.bench.seconds} (15), {@code cluster.bench.warmup} (5),
 * {@code cluster.bench.connections} (16), {@code cluster.bench.report.kib} (256),
 * {@code cluster.bench.instances} (3), {@code cluster.bench.out} (a file for the table).
 */
class ClusterScaleBench {
    private static final int SECONDS = Integer.getInteger("cluster.bench.seconds", 15);
    private static final int WARMUP = Integer.getInteger("cluster.bench.warmup", 5);
    private static final int CONNECTIONS = Integer.getInteger("cluster.bench.connections", 16);
    private static final int REPORT_KIB = Integer.getInteger("cluster.bench.report.kib", 256);
    private static final int INSTANCES = Integer.getInteger("cluster.bench.instances", 3);

    /** One measured run. */
    record Figures(int instances, String what, long ok, long failed, double perSecond, double p50, double p99,
                   double cpuBusy) {
        String row() {
            return String.format(Locale.ROOT, "| %d | %s | %.0f/s | %.1f ms | %.1f ms | %d | %.0f%% |", instances, what,
                    perSecond, p50, p99, failed, cpuBusy * 100);
        }
    }

    @Test
    void key_fetches_and_downloads_through_nginx_with_one_two_and_three_instances() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "cluster").toAbsolutePath());
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Figures> figures = new ArrayList<>();
        try (Cluster cluster = Cluster.start(Files.createTempDirectory(base, "bench-"), new Cluster.Options(INSTANCES,
                List.of("-Xmx512m"), List.of("--key-requests-per-minute", "100000000"), 1, false))) {
            ClusterClient client = new ClusterClient(cluster.publicUrl());
            User sender = new User("sender@hospital.example", "correct horse battery staple sender", "198.51.100.1");
            User reader = new User("reader@hospital.example", "correct horse battery staple reader", "198.51.100.2");
            for (User u : List.of(sender, reader)) {
                client.signUp(u);
                client.verify(u, cluster.outboxes());
            }
            String senderToken = client.signIn(sender);
            String reportId = SealedReports.newReportId("bench");
            Answer created = client.createKey(sender, client.keyServerToken(sender, senderToken), reportId);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            byte[] sealed = SealedReports.seal(reportId, created.json().path("key").asText(),
                    cluster.publicUrl().toString(), REPORT_KIB * 1024);
            Answer up = client.upload(sender, senderToken, sealed);
            assertThat(up.status()).as(up.toString()).isEqualTo(201);
            URI download = URI.create(up.json().path("download_url").asText());
            for (int n = 1; n <= INSTANCES; n++) {
                cluster.balanceOver(n);
                // fresh tokens for each round: key server tokens live 5 minutes
                String token = client.signIn(reader);
                String keyToken = client.keyServerToken(reader, token);
                URI key = cluster.publicUrl().resolve("/api/v1/reports/" + reportId + "/key");
                URI health = cluster.publicUrl().resolve("/health");
                figures.add(measure(n, "/health (no database)", health, null, reader));
                figures.add(measure(n, "key fetch", key, keyToken, reader));
                figures.add(measure(n, "cloud download " + REPORT_KIB + " KiB", download, token, reader));
            }
        }
        StringBuilder table = new StringBuilder();
        table.append("date: ").append(Instant.now()).append('\n')
                .append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", load average before: ").append(load).append('\n')
                .append("closed loop: ").append(CONNECTIONS).append(" connections, ").append(WARMUP)
                .append(" s warm-up, ").append(SECONDS).append(" s measured; PostgreSQL synchronous_commit=on\n\n")
                .append("| instances | request | rate | p50 | p99 | failed | machine CPU busy |\n")
                .append("|---|---|---|---|---|---|---|\n");
        figures.forEach(f -> table.append(f.row()).append('\n'));
        System.out.print(table);
        String out = System.getProperty("cluster.bench.out");
        if (out != null && !out.isBlank()) {
            Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
        }
        assertThat(figures).allSatisfy(f -> assertThat(f.ok()).as(f.row()).isPositive());
    }

    /** A warm-up, then {@link #SECONDS} of closed-loop GETs of {@code url} from {@link #CONNECTIONS} threads. */
    private static Figures measure(int instances, String what, URI url, String bearer, User from) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", from.address()).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpRequest request = b.build();
        run(http, request, Duration.ofSeconds(WARMUP));
        long[] cpu = cpuTicks();
        long start = System.nanoTime();
        List<long[]> latencies = run(http, request, Duration.ofSeconds(SECONDS));
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] cpuAfter = cpuTicks();
        long failed = latencies.stream().mapToLong(l -> l[0]).sum();
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 1, l.length)).filter(x -> x > 0)
                .sorted().toArray();
        double busy = 1 - (double) (cpuAfter[1] - cpu[1]) / Math.max(1, cpuAfter[0] - cpu[0]);
        return new Figures(instances, what, all.length, failed, all.length / elapsed, percentile(all, 0.50),
                percentile(all, 0.99), busy);
    }

    /** Per thread: {failed, latency ns, latency ns, ...}. */
    private static List<long[]> run(HttpClient http, HttpRequest request, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long end = System.nanoTime() + duration.toNanos();
        try {
            List<Future<long[]>> threads = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                threads.add(pool.submit(() -> {
                    long[] out = new long[1 << 16];
                    int n = 1;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            ok = r.statusCode() == 200;
                        } catch (IOException e) {
                            ok = false;
                        }
                        if (!ok) {
                            out[0]++;
                            continue;
                        }
                        if (n == out.length) {
                            out = Arrays.copyOf(out, out.length * 2);
                        }
                        out[n++] = System.nanoTime() - t0;
                    }
                    return Arrays.copyOf(out, n);
                }));
            }
            List<long[]> results = new ArrayList<>();
            for (Future<long[]> f : threads) {
                results.add(f.get(duration.toSeconds() + 120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** The machine's {total, idle} CPU ticks from /proc/stat (every core, every process). */
    private static long[] cpuTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }
}
