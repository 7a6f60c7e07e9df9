package org.safelight.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.openqa.selenium.By;
import org.safelight.web.testing.Browser;

/**
 * bench/browser-open.sh: opens sealed reports in headless Chromium through the real My Safelight page
 * (signed in, the file chosen in the page's file input as a user chooses it, the key fetched from the
 * key server) and reports the time from the file's choice to the first photo decoded on screen (or,
 * for a report without photos, to the first video's metadata loaded), and the memory it took. Not a
 * test. A fresh Chromium per run, so each renderer's high-water mark is that opening's own.
 *
 * <p>Memory, each from /proc: the renderer's VmHWM (the tab: V8 heap, ArrayBuffers, WebCrypto's
 * copies, decoded images), the browser process's VmHWM (it holds Blob data and reads the file for the
 * renderer), and the peak of VmRSS summed over every Chromium process, sampled every 50 ms.
 *
 * <p>Arguments: {@code open SIDE BASE_URL EMAIL PASSWORD WORK_DIR RESULTS LABEL=FILE...} opens each
 * report once on the page that server serves and appends a line per opening to RESULTS (SIDE names
 * the page: this build's or the reference's); {@code table RESULTS} prints the medians as markdown.
 */
public final class BrowserOpenBench {
    private static final String WATCH = """
            window.__bench = {};
            document.addEventListener('change', e => {
              if (e.target.id !== 'file-input') return;
              const b = window.__bench;
              performance.mark('file-chosen');
              const t0 = performance.now();
              const tick = () => {
                const failed = document.getElementById('open-failed');
                if (failed) { b.error = failed.textContent; return; }
                if (b.report === undefined && document.getElementById('report')) b.report = performance.now() - t0;
                // the opening's phases as the progress panel shows them, with when each began (ms)
                const phase = document.getElementById('progress-step')?.dataset.phase;
                if (phase && phase !== b.phase) {
                  b.phase = phase;
                  b.phases = (b.phases || '') + phase + ' ' + Math.round(performance.now() - t0) + ', ';
                }
                const img = document.getElementById('photo');
                const video = document.querySelector('video.report-video');
                if (img && img.complete && img.naturalWidth > 0) { b.shown = performance.now() - t0; b.what = 'photo'; return; }
                if (!img && video && video.readyState >= 1) { b.shown = performance.now() - t0; b.what = 'video'; return; }
                setTimeout(tick, 4);
              };
              tick();
            }, true);
            """;

    private record Run(double shownMs, double reportMs, String what, long rendererHwm, long browserHwm, long allPeak,
                       long rendererBefore, String phases) {
    }

    private BrowserOpenBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("table")) {
            System.out.print(table(Path.of(args[1])));
            return;
        }
        // open SIDE BASE_URL EMAIL PASSWORD WORK_DIR RESULTS LABEL=FILE...
        String side = args[1];
        Path results = Path.of(args[6]);
        for (int i = 7; i < args.length; i++) {
            String[] report = args[i].split("=", 2);
            Path file = Path.of(report[1]);
            Run run = open(args[2], args[3], args[4], file, Path.of(args[5]));
            System.err.printf(Locale.ROOT, "browser-open: %s, %s page: %s shown at %.0f ms, renderer VmHWM %d MiB, "
                            + "browser VmHWM %d MiB, all RSS peak %d MiB (load %s); phases at ms: %sview %.0f%n", report[0],
                    side, run.what(), run.shownMs(), run.rendererHwm() >> 20, run.browserHwm() >> 20, run.allPeak() >> 20,
                    load(), run.phases(), run.reportMs());
            Files.writeString(results, String.join("\t", report[0], side, String.valueOf(Files.size(file)), run.what(),
                    String.valueOf(run.shownMs()), String.valueOf(run.reportMs()), String.valueOf(run.rendererHwm()),
                    String.valueOf(run.rendererBefore()), String.valueOf(run.browserHwm()), String.valueOf(run.allPeak()),
                    load()) + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** The markdown table of a results file: per report and page, medians of its runs. */
    private static String table(Path results) throws IOException {
        Map<String, List<String[]>> groups = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(results)) {
            String[] f = line.split("\t");
            groups.computeIfAbsent(f[0] + "\t" + f[1], k -> new ArrayList<>()).add(f);
        }
        StringBuilder table = new StringBuilder("""
                | report | file MB | page | runs | first shown, median ms (min–max) | report view ms | renderer \
                VmHWM MiB (idle) | browser process VmHWM MiB | all Chromium RSS peak MiB | load |
                |---|---:|---|---:|---:|---:|---:|---:|---:|---|
                """);
        for (List<String[]> runs : groups.values()) {
            String[] first = runs.stream().filter(f -> !f[3].equals("FAILED")).findFirst().orElse(runs.get(0));
            long failed = runs.stream().filter(f -> f[3].equals("FAILED")).count();
            double[] shown = runs.stream().filter(f -> !f[3].equals("FAILED")).mapToDouble(f -> Double.parseDouble(f[4]))
                    .sorted().toArray();
            if (shown.length == 0) {
                shown = new double[] {Double.NaN};
            }
            table.append(String.format(Locale.ROOT, "| %s (%s) | %.0f | %s | %s | %.0f (%.0f–%.0f) | %.0f | %d (%d) | %d | %d | %s |%n",
                    first[0], first[3], Long.parseLong(first[2]) / 1e6, first[1],
                    runs.size() + (failed > 0 ? " (" + failed + " FAILED)" : ""), shown[shown.length / 2],
                    shown[0], shown[shown.length - 1], median(runs, 5), (long) median(runs, 6) >> 20,
                    (long) median(runs, 7) >> 20, (long) median(runs, 8) >> 20, (long) median(runs, 9) >> 20,
                    runs.stream().map(f -> f[10]).collect(java.util.stream.Collectors.joining(" "))));
        }
        return table.toString();
    }

    private static double median(List<String[]> runs, int field) {
        double[] values = runs.stream().mapToDouble(f -> Double.parseDouble(f[field])).sorted().toArray();
        return values[values.length / 2];
    }

    private static Run open(String base, String email, String password, Path file, Path work) throws Exception {
        Browser browser = new Browser(work.resolve("downloads"));
        try {
            browser.get(base + "/app/#/signin");
            browser.type("#signin-email", email);
            browser.type("#signin-password", password);
            browser.click("#signin-submit");
            browser.until(d -> browser.script("return document.getElementById('whoami').textContent").toString()
                    .startsWith(email));
            browser.script("location.hash = '#/open'");
            browser.driver().navigate().refresh();
            browser.visible("#open-file");
            browser.script(WATCH);
            long rendererBefore = hwm(renderer());
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(chromium().stream().mapToLong(p -> status(p, "VmRSS:")).sum(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            // -Dbench.profile=DIR: a CPU profile of the page's main thread per opening (open it in DevTools)
            String profile = System.getProperty("bench.profile");
            var cdp = (org.openqa.selenium.chromium.ChromiumDriver) browser.driver();
            if (profile != null) {
                cdp.executeCdpCommand("Profiler.enable", Map.of());
                cdp.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 1000));
                cdp.executeCdpCommand("Profiler.start", Map.of());
            }
            browser.driver().findElement(By.id("file-input")).sendKeys(file.toAbsolutePath().toString());
            long deadline = System.nanoTime() + 300_000_000_000L;
            Map<?, ?> b;
            do {
                Thread.sleep(20);
                b = (Map<?, ?>) browser.script("return window.__bench");
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing shown within 300 s: " + b);
                }
            } while (b.get("shown") == null && b.get("error") == null);
            if (b.get("error") != null) {
                // a failed opening is a result too (counted in the table), with the memory it took
                System.err.println("browser-open: the page could not open " + file + ": " + b.get("error"));
            }
            if (profile != null) {
                Object taken = cdp.executeCdpCommand("Profiler.stop", Map.of()).get("profile");
                Files.writeString(Path.of(profile, file.getFileName() + "-" + System.currentTimeMillis() + ".cpuprofile"),
                        new org.openqa.selenium.json.Json().toJson(taken));
            }
            Thread.sleep(1000); // whatever the opening still does after the first photo counts too
            sampler.interrupt();
            sampler.join();
            long browserProcess = chromium().stream().filter(p -> !cmdline(p).contains("--type="))
                    .mapToLong(p -> status(p, "VmHWM:")).max().orElse(0);
            boolean failed = b.get("error") != null;
            return new Run(failed ? -1 : ((Number) b.get("shown")).doubleValue(),
                    b.get("report") == null ? -1 : ((Number) b.get("report")).doubleValue(),
                    failed ? "FAILED" : String.valueOf(b.get("what")),
                    hwm(renderer()), browserProcess, peak.get(), rendererBefore,
                    b.get("phases") == null ? "" : String.valueOf(b.get("phases")));
        } finally {
            browser.close();
        }
    }

    /** The renderer of the page: of this JVM's Chromium renderers, the one holding the most memory. */
    private static long renderer() {
        return chromium().stream().filter(p -> cmdline(p).contains("--type=renderer"))
                .max(Comparator.comparingLong(p -> status(p, "VmRSS:"))).orElse(-1L);
    }

    private static long hwm(long pid) {
        return pid < 0 ? 0 : status(pid, "VmHWM:");
    }

    /** This JVM's descendant Chromium processes (not chromedriver). */
    private static List<Long> chromium() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom") && !c.endsWith("chromedriver")).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
