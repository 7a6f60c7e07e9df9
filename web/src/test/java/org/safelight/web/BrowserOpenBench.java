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
import java.util.function.ToLongFunction;
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
 * <p>Arguments: BASE_URL EMAIL PASSWORD RUNS WORK_DIR LABEL=FILE...
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
                       long rendererBefore) {
    }

    private BrowserOpenBench() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String email = args[1];
        String password = args[2];
        int runs = Integer.parseInt(args[3]);
        Path work = Path.of(args[4]);
        List<String[]> reports = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            reports.add(args[i].split("=", 2));
        }
        StringBuilder table = new StringBuilder("""
                | report | file MB | first shown, median ms (min–max) | report view ms | renderer VmHWM MiB \
                (idle) | browser process VmHWM MiB | all Chromium RSS peak MiB |
                |---|---:|---:|---:|---:|---:|---:|
                """);
        for (String[] report : reports) {
            Path file = Path.of(report[1]);
            List<Run> results = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                Run run = open(base, email, password, file, work);
                System.err.printf(Locale.ROOT, "browser-open: %s run %d: %s shown at %.0f ms, renderer VmHWM %d MiB, "
                                + "browser VmHWM %d MiB, all RSS peak %d MiB (load %s)%n", report[0], r + 1, run.what(),
                        run.shownMs(), run.rendererHwm() >> 20, run.browserHwm() >> 20, run.allPeak() >> 20, load());
                results.add(run);
            }
            results.sort(Comparator.comparingDouble(Run::shownMs));
            Run median = results.get(results.size() / 2);
            table.append(String.format(Locale.ROOT, "| %s (%s) | %.0f | %.0f (%.0f–%.0f) | %d | %d (%d) | %d | %d |%n",
                    report[0], median.what(), Files.size(file) / 1e6, median.shownMs(), results.get(0).shownMs(),
                    results.get(results.size() - 1).shownMs(), median(results, r -> (long) r.reportMs()),
                    median(results, Run::rendererHwm) >> 20, median(results, Run::rendererBefore) >> 20,
                    median(results, Run::browserHwm) >> 20, median(results, Run::allPeak) >> 20));
        }
        System.out.print(table);
    }

    private static long median(List<Run> runs, ToLongFunction<Run> f) {
        long[] values = runs.stream().mapToLong(f).sorted().toArray();
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
                throw new IllegalStateException("the page could not open " + file + ": " + b.get("error"));
            }
            Thread.sleep(1000); // whatever the opening still does after the first photo counts too
            sampler.interrupt();
            sampler.join();
            long browserProcess = chromium().stream().filter(p -> !cmdline(p).contains("--type="))
                    .mapToLong(p -> status(p, "VmHWM:")).max().orElse(0);
            return new Run(((Number) b.get("shown")).doubleValue(),
                    b.get("report") == null ? -1 : ((Number) b.get("report")).doubleValue(), String.valueOf(b.get("what")),
                    hwm(renderer()), browserProcess, peak.get(), rendererBefore);
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
