package org.safelight.cli.cluster;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.safelight.server.testing.Ports;

/**
 * One {@code safelight serve} in a JVM of its own, started from the test JVM's class path, with a
 * data folder of its own and everything else (database, bucket, master key, public URL) shared
 * with its siblings. Output goes to files next to the data folder so the process never blocks on
 * a full pipe. Not thread-safe: one owner starts and stops it.
 */
final class ServeInstance implements AutoCloseable {
    /** Generous: three instances and their database start together on two cores shared with others. */
    private static final Duration START = Duration.ofSeconds(240);

    private final String name;
    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private ServeInstance(String name, Process process, int port, Path dataDir, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * Starts {@code serve} on {@code port} and waits until {@code /health} answers 200.
     *
     * @param args {@code serve}'s options other than data folder, address and port
     * @param env  variables added to a copy of this JVM's environment with every {@code SAFELIGHT_*}
     *             removed, so nothing from the outside changes what the instance runs on
     * @param jvm  options for the instance's JVM (heap, GC)
     * @throws Ports.PortTaken when another process took the port first
     */
    static ServeInstance start(Path dir, String name, int port, List<String> args, Map<String, String> env,
                               List<String> jvm) throws IOException, InterruptedException, Ports.PortTaken {
        Path dataDir = Files.createDirectories(dir.resolve(name + "-data"));
        Path log = dir.resolve(name + "-" + port + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                "org.safelight.cli.Main", "serve", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
                "--port", Integer.toString(port)));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SAFELIGHT_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        ServeInstance instance = new ServeInstance(name, p, port, dataDir, log);
        try {
            instance.awaitHealthy();
            return instance;
        } catch (IOException | InterruptedException | Ports.PortTaken | RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private void awaitHealthy() throws IOException, InterruptedException, Ports.PortTaken {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(url().resolve("/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = output();
                if (output.contains("already in use")) {
                    throw new Ports.PortTaken("port " + port + " was taken before " + name + " bound it");
                }
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100); // polling a starting process, with the deadline above
        }
        threadDump();
        throw new IllegalStateException(name + " did not answer /health within " + START.toSeconds() + " s (its"
                + " threads are at the end of " + log + "):\n" + output());
    }

    /** What every thread of the instance is doing, appended to its log: why it did not start. */
    private void threadDump() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Path dataDir() {
        return dataDir;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** What the instance printed, for a failure message. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no last commit, connections cut. Waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM (a clean stop), SIGKILL after 20 s or when interrupted. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** For a shutdown hook: the process, to be killed if the test JVM exits before {@link #close}. */
    Process process() {
        return process;
    }
}
