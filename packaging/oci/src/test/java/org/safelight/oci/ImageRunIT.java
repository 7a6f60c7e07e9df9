package org.safelight.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.security.auth.module.UnixSystem;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.server.testing.Ports;

/**
 * Runs the image as a container runtime would, without one: every layer applied onto a root folder,
 * the config's entrypoint started inside it (util-linux {@code unshare}: its own PID namespace with
 * /proc, the folder as root, the config's working directory, user and environment), on a free port.
 * Needs root (CI runs as root); elsewhere it skips, and with {@code CI=true} it fails instead.
 */
class ImageRunIT {
    private static final Duration START_DEADLINE = Duration.ofSeconds(120);

    static Path scratch;
    static ImageTarball image;
    static Path root;
    static int port;
    static Process container;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        boolean isRoot = new UnixSystem().getUid() == 0;
        if (!isRoot && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true: running the image needs root (to unpack its owners and switch"
                    + " to its user); run the build as root");
        }
        assumeTrue(isRoot, "running the image needs root (unpacking its owners, chroot, switching user): skipped");
        scratch = Path.of(System.getProperty("safelight.scratch", "target/it")).toAbsolutePath().resolve("run");
        ImageTarball.run(List.of("rm", "-rf", scratch.toString()));
        image = ImageTarball.unpack(scratch);
        root = scratch.resolve("rootfs");
        image.applyLayersTo(root);
        port = Ports.unused();
        log = scratch.resolve("container.log");
        container = inContainer(entrypointAndCmd())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitHealth();
    }

    @AfterAll
    static void stop() throws Exception {
        if (container == null) {
            return;
        }
        // the server is PID 1 of its namespace, a child of unshare: ask it to stop (as a runtime does),
        // then make sure nothing is left
        List<ProcessHandle> inside = container.descendants().toList();
        inside.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : inside) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException stuck) {
                p.destroyForcibly();
                p.onExit().get(10, TimeUnit.SECONDS);
            }
        }
        if (!container.waitFor(10, TimeUnit.SECONDS)) {
            container.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // 300 MB a build on a shared disk; the container's log stays for a failure's reader
        ImageTarball.run(List.of("rm", "-rf", root.toString(), image.folder.toString()));
    }

    /** A command run the way the image's config says: its root, working directory, user and environment. */
    static ProcessBuilder inContainer(List<String> program) {
        String[] user = image.config.at("/config/User").asText().split(":");
        List<String> command = new ArrayList<>(List.of(tool("unshare"), "--pid", "--fork", "--kill-child",
                "--mount-proc", "--root=" + root, "--wd=" + image.config.at("/config/WorkingDir").asText(),
                "--setgid=" + user[1], "--setuid=" + user[0]));
        command.addAll(program);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        for (String e : image.env()) {
            String[] kv = e.split("=", 2);
            pb.environment().put(kv[0], kv[1]);
        }
        pb.environment().put("SAFELIGHT_PORT", Integer.toString(port));
        return pb;
    }

    private static List<String> entrypointAndCmd() {
        List<String> program = new ArrayList<>();
        image.config.at("/config/Entrypoint").forEach(n -> program.add(n.asText()));
        image.config.at("/config/Cmd").forEach(n -> program.add(n.asText()));
        return program;
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new IllegalStateException(name + " (util-linux) is not installed");
    }

    private static void awaitHealth() throws Exception {
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (true) {
            if (!container.isAlive()) {
                throw new AssertionError("the container stopped (exit " + container.exitValue() + "):\n" + tail());
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no answer on /health within " + START_DEADLINE + ":\n" + tail());
            }
            Thread.sleep(250); // a poll interval under a deadline, not a wait for something to happen
        }
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String tail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Test
    void the_image_serves_health_as_its_own_user_from_its_data_volume() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("accounts");
        int uid = Integer.parseInt(image.config.at("/config/User").asText().split(":")[0]);
        Path data = root.resolve("var/lib/safelight");
        assertThat(data.resolve("safelight.db")).exists();
        try (var written = Files.walk(data)) {
            assertThat(written.toList()).allSatisfy(f ->
                    assertThat(Files.getAttribute(f, "unix:uid")).as(f.toString()).isEqualTo(uid));
        }
    }

    @Test
    void the_health_check_of_the_compose_example_passes_inside_the_running_container() throws Exception {
        JsonNode test = Examples.compose().at("/services/safelight/healthcheck/test");
        assertThat(test.get(0).asText()).isEqualTo("CMD");
        List<String> command = new ArrayList<>();
        test.forEach(n -> command.add(n.asText()));
        Process probe = inContainer(command.subList(1, command.size())).redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(out).isZero();
        assertThat(out).contains("answered 200");
    }

    @Test
    void every_probe_path_of_the_examples_answers_on_the_running_server() throws Exception {
        for (String path : Examples.probePaths()) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(200);
        }
    }
}
