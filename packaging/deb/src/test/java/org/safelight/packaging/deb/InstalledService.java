package org.safelight.packaging.deb;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The installed service, started as its systemd unit would start it where there is no systemd to
 * ask (a CI container): the unit's ExecStart as its User and Group, with its UMask, in {@code /},
 * with systemd's PATH and the variables of its EnvironmentFile. The hardening directives have no
 * stand-in here; {@code systemd-analyze} checks them.
 */
final class InstalledService implements AutoCloseable {
    private static final Path UNIT = Path.of("/lib/systemd/system/safelight.service");
    private static final Duration START = Duration.ofMinutes(3);

    private final Process process;
    private final Path log;
    private final Unit unit;
    final String url;

    private InstalledService(Process process, Path log, Unit unit, String url) {
        this.process = process;
        this.log = log;
        this.unit = unit;
        this.url = url;
    }

    /** Starts it and waits until {@code /health} answers 200 on {@code port} (which the configuration must name). */
    static InstalledService start(int port, Path log) throws IOException {
        Unit unit = Unit.parse(Files.readString(UNIT));
        InstalledService service = new InstalledService(launch(unit, log), log, unit, "http://127.0.0.1:" + port);
        try {
            service.awaitHealthy();
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    /** Starts it on a configuration it must refuse, and returns its exit status (within 2 minutes). */
    static int refusedStart(Path log) throws IOException, InterruptedException {
        Process p = launch(Unit.parse(Files.readString(UNIT)), log);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the service did not stop on a configuration it must refuse");
        }
        return p.exitValue();
    }

    private static Process launch(Unit unit, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid", unit.get("User"), "--regid",
                unit.get("Group"), "--init-groups", "--", "/bin/sh", "-c", "umask " + unit.get("UMask")
                        + " && exec \"$0\" \"$@\""));
        command.addAll(unit.execStart());
        ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("/").toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("USER", unit.get("User"));
        pb.environment().put("LOGNAME", unit.get("User"));
        pb.environment().put("HOME", "/var/lib/safelight");
        pb.environment().putAll(environmentFile(Path.of(unit.get("EnvironmentFile").replaceFirst("^-", ""))));
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    /** systemd's EnvironmentFile: NAME=value lines; blank lines and # comments are skipped. */
    static Map<String, String> environmentFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return env;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith(";") && l.contains("=")) {
                env.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return env;
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            assertThat(process.isAlive()).as("the service stopped while starting:%n%s", logTail()).isTrue();
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(url + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertThat(System.nanoTime() - deadline).as("/health did not answer 200 within %s:%n%s", START, logTail())
                    .isNegative();
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS); // polls /health until the deadline, or sees an early exit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Stops it as systemd does (SIGTERM, then waiting TimeoutStopSec) and returns its exit code,
     * which the unit's SuccessExitStatus must count as a clean stop.
     */
    int stop() throws InterruptedException {
        process.destroy();
        long timeout = Long.parseLong(unit.get("TimeoutStopSec"));
        assertThat(process.waitFor(timeout, TimeUnit.SECONDS))
                .as("the service did not stop within TimeoutStopSec=%d:%n%s", timeout, logTail()).isTrue();
        return process.exitValue();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
