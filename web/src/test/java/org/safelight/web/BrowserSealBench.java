package org.safelight.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.openqa.selenium.By;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.SharedFiles;
import org.safelight.web.testing.Browser;

/**
 * bench/browser-seal.sh: seals a report holding one large video in headless Chromium with seal.js
 * (static-key protection, so no key server is in the measurement) and reports the time and the
 * peak resident memory of Chromium's processes, sampled from /proc every 50 ms. Not a test.
 *
 * <p>The video is the 2 s fixture clip followed by a {@code free} box of random bytes up to the
 * size asked for: a valid MP4 whose thumbnail comes from its real frames while sealing reads,
 * zips, hashes and encrypts every byte. Arguments: VIDEO_MIB WORK_DIR.
 */
public final class BrowserSealBench {
    private static final String SEAL = """
            const [publicKey] = arguments;
            const done = result => { window.benchResult = result; };
            const video = document.getElementById('bench-video').files[0];
            import('/app/static/seal.js').then(async m => {
              const profile = {user_number: 4711, email: 'bench@example.org', first_name: 'Bench', last_name: 'Mark',
                title: 'Dr', country: 'AU', enterprise: null};
              const draft = {reportId: await m.newReportId(profile), createdAt: new Date(),
                patient: {firstName: 'Ada', lastName: 'Quill', birthDate: '1961-03-07', patientId: 'MRN-1',
                  translator: '', guardian: ''},
                notes: 'benchmark', location: '',
                consent: {type: 'none', levels: [], file: null},
                items: [{type: 'video', file: video, levels: ['treatment'], takenAt: new Date()}]};
              const stages = {};
              const started = performance.now();
              const r = await m.sealReport(draft, {profile, protection: {kind: 'static', publicKey},
                onProgress: p => { if (!(p.stage in stages)) stages[p.stage] = Math.round(performance.now() - started); }});
              done({ms: Math.round(performance.now() - started), bytes: r.blob.size, stages});
            }).catch(e => done({error: e.name + ' ' + e.code + ': ' + e.message}));
            """;

    private BrowserSealBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        Path video = paddedVideo(work.resolve("video.m4v"), (long) mib << 20);
        KeyPair institution = Keys.rsa();
        String publicPem = Files.readString(Keys.writePublicPem(institution, work.resolve("public.pem")));

        try (WebServer server = new WebServer(SharedLinks.NONE, List.of())) {
            Browser browser = new Browser(work.resolve("downloads"));
            try {
                browser.get(server.url() + "/app/");
                browser.visible("#signin-form");
                browser.script("""
                        const input = document.createElement('input');
                        input.type = 'file';
                        input.id = 'bench-video';
                        document.body.append(input);
                        """);
                browser.driver().findElement(By.id("bench-video")).sendKeys(video.toAbsolutePath().toString());
                if (browser.driver() instanceof org.openqa.selenium.chromium.ChromiumDriver cd) {
                    cd.executeCdpCommand("Performance.enable", Map.of());
                }
                long idle = chromiumRss();
                AtomicLong peak = new AtomicLong(idle);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(chromiumRss(), Math::max);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.setDaemon(true);
                sampler.start();
                long wallStart = System.nanoTime();
                // started here and polled: one long script call would outlast WebDriver's HTTP read timeout
                browser.script(SEAL, publicPem);
                Map<String, Object> r = null;
                while (r == null) {
                    Thread.sleep(200);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> result = (Map<String, Object>) browser.script("return window.benchResult || null");
                    r = result;
                }
                long wallMs = (System.nanoTime() - wallStart) / 1_000_000;
                sampler.interrupt();
                sampler.join();
                if (r.get("error") != null) {
                    throw new IllegalStateException("sealing failed in the page: " + r.get("error"));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> metrics = browser.driver() instanceof org.openqa.selenium.chromium.ChromiumDriver cd
                        ? cd.executeCdpCommand("Performance.getMetrics", Map.of()) : Map.of();
                long ms = ((Number) r.get("ms")).longValue();
                System.out.printf(Locale.ROOT, "video_mib=%d sealed_bytes=%d seal_ms=%d wall_ms=%d throughput_mib_s=%.1f%n",
                        mib, ((Number) r.get("bytes")).longValue(), ms, wallMs, mib * 1000.0 / ms);
                System.out.printf(Locale.ROOT, "stages_started_ms=%s%n", r.get("stages"));
                System.out.printf(Locale.ROOT, "chromium_rss_idle_mib=%d chromium_rss_peak_mib=%d growth_mib=%d%n",
                        idle >> 20, peak.get() >> 20, (peak.get() - idle) >> 20);
                System.out.printf(Locale.ROOT, "cdp_after=%s%n", jsHeap(metrics));
            } finally {
                browser.close();
            }
        }
    }

    /** The JS heap figures of CDP Performance.getMetrics, after sealing. */
    private static String jsHeap(Map<String, Object> metrics) {
        StringBuilder out = new StringBuilder();
        Object list = metrics.get("metrics");
        if (list instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m && String.valueOf(m.get("name")).startsWith("JSHeap")) {
                    out.append(m.get("name")).append('=').append(((Number) m.get("value")).longValue() >> 20).append("MiB ");
                }
            }
        }
        return out.toString().trim();
    }

    /** The summed VmRSS of this JVM's descendant Chromium processes (browser, renderers, GPU, utilities). */
    private static long chromiumRss() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom") && !c.endsWith("chromedriver")).orElse(false))
                .mapToLong(p -> rss(p.pid())).sum();
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }

    /** The fixture clip, then one free box of random bytes up to {@code size}. */
    private static Path paddedVideo(Path file, long size) throws IOException {
        byte[] clip = Files.readAllBytes(SharedFiles.media("clip.m4v"));
        long pad = size - clip.length;
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(clip);
            out.write(ByteBuffer.allocate(8).putInt((int) pad).put("free".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).array());
            Random random = new Random(12);
            byte[] chunk = new byte[1 << 20];
            for (long left = pad - 8; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }
}
