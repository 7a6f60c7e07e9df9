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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.safelight.server.testing.Ports;

/**
 * Debian's nginx in the foreground as the load balancer in front of the instances, with a
 * configuration written under its own prefix folder (pid, logs and temporary files there too, so
 * it needs nothing from /etc or /var). Its upstream and proxy settings are those of the example the
 * project ships ({@code packaging/examples/nginx/safelight.conf}), read from that file.
 */
final class Nginx implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Duration START = Duration.ofSeconds(30);

    private final Process process;
    private final Path prefix;
    private final int port;

    private Nginx(Process process, Path prefix, int port) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
    }

    /** Whether nginx is installed here (CI installs it; a developer's machine may not have it). */
    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts nginx on {@code port}, balancing round robin over {@code upstreams} (ports on
     * 127.0.0.1), and waits until it answers.
     *
     * @param workers    nginx worker processes
     * @param accessLog  whether to log each request's method, status and upstream (never its path)
     * @throws Ports.PortTaken when another process took the port first
     */
    static Nginx start(Path prefix, int port, List<Integer> upstreams, int workers, boolean accessLog)
            throws IOException, InterruptedException, Ports.PortTaken {
        Files.createDirectories(prefix);
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, config(prefix, port, upstreams, workers, accessLog), StandardCharsets.UTF_8);
        Path log = prefix.resolve("stderr.log");
        Process p = new ProcessBuilder(BINARY.toString(), "-p", prefix + "/",
                "-e", prefix.resolve("error.log").toString(),
                "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Nginx nginx = new Nginx(p, prefix, port);
        try {
            nginx.awaitAnswer();
            return nginx;
        } catch (IOException | InterruptedException | Ports.PortTaken | RuntimeException e) {
            nginx.close();
            throw e;
        }
    }

    /** The example configuration the project ships, whose upstream and proxy settings this runs. */
    static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent()
            .resolve("packaging/examples/nginx/safelight.conf");

    /**
     * The configuration: the shipped example's upstream and proxy settings as they are, with this
     * run's ports, folders and no TLS around them.
     */
    static String config(Path prefix, int port, List<Integer> upstreams, int workers, boolean accessLog)
            throws IOException {
        String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        // As root, nginx's workers would run as nobody and could not write the temporary folders here.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        String servers = upstreams.stream().map(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=10s;")
                .collect(Collectors.joining("\n"));
        String log = accessLog
                ? "    log_format upstream '$request_method $status $upstream_addr $upstream_status';\n"
                + "    access_log " + prefix.resolve("access.log") + " upstream;\n"
                : "    access_log off;\n";
        return user + "worker_processes " + workers + ";\n"
                + "pid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("error.log") + " warn;\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n"
                + log
                + "    client_body_temp_path " + prefix.resolve("client_body") + ";\n"
                + "    proxy_temp_path " + prefix.resolve("proxy") + ";\n"
                + "    fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n"
                + "    uwsgi_temp_path " + prefix.resolve("uwsgi") + ";\n"
                + "    scgi_temp_path " + prefix.resolve("scgi") + ";\n"
                + "    upstream safelight {\n"
                + servers + "\n"
                + section(example, "upstream settings")
                + "    }\n"
                + "    server {\n"
                + "        listen 127.0.0.1:" + port + ";\n"
                + section(example, "proxy settings")
                + "    }\n"
                + "}\n";
    }

    /** The lines between {@code # BEGIN name} and {@code # END name} in the example. */
    private static String section(String example, String name) {
        int begin = example.indexOf("# BEGIN " + name);
        int end = example.indexOf("# END " + name);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(EXAMPLE + " lacks its '# BEGIN " + name + "' ... '# END " + name
                    + "' lines");
        }
        return example.substring(example.indexOf('\n', begin) + 1, example.lastIndexOf('\n', end) + 1);
    }

    private void awaitAnswer() throws IOException, InterruptedException, Ports.PortTaken {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(url().resolve("/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = Files.readString(prefix.resolve("stderr.log")) + errorLog();
                if (output.contains("Address already in use")) {
                    throw new Ports.PortTaken("port " + port + " was taken before nginx bound it");
                }
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + output);
            }
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return; // any answer (also 502 while no upstream is up) means nginx listens
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50); // polling a starting process, with the deadline above
        }
        throw new IllegalStateException("nginx did not answer within " + START.toSeconds() + " s: " + errorLog());
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    String errorLog() {
        try {
            Path log = prefix.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(error log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * How many requests each upstream answered, from the access log ({@code accessLog} true):
     * {@code 127.0.0.1:PORT} → count. A request nginx passed on to a second upstream counts for both.
     */
    Map<String, Integer> requestsByUpstream() throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        java.util.regex.Pattern address = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:\\d+");
        for (String line : Files.readAllLines(prefix.resolve("access.log"))) {
            java.util.regex.Matcher m = address.matcher(line);
            while (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        return counts;
    }

    Process process() {
        return process;
    }

    /** SIGTERM (nginx's fast shutdown), SIGKILL after 10 s or when interrupted. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
