package org.safelight.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The system's own tools (dpkg, systemd-analyze, ...), run as a shell runs them. */
final class Commands {
    record Result(List<String> command, int code, String out, String err) {
        /** The result, after asserting that the command succeeded (its error output as the reason if not). */
        Result ok() {
            assertThat(code).as("%s failed:%n%s%s", String.join(" ", command), err, out).isZero();
            return this;
        }
    }

    private Commands() {
    }

    static Result run(String... command) {
        return run(List.of(command), Map.of());
    }

    /** Runs {@code command} with these variables added to this process's environment; 5 minutes at most. */
    static Result run(List<String> command, Map<String, String> env) {
        try {
            // output to files: a child that fills a pipe nobody reads would block until the time limit
            Path out = Files.createTempFile("deb-it-", ".out");
            Path err = Files.createTempFile("deb-it-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                p.getOutputStream().close();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish in 5 minutes");
                }
                return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Skips the test when {@code condition} does not hold, saying why; in CI ({@code CI=true}) a
     * missing condition fails instead, since CI is where these tests must run.
     */
    static void require(boolean condition, String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(condition).as("CI=true, and " + reason).isTrue();
        }
        assumeTrue(condition, reason);
    }

    /** Requires an executable on the PATH (see {@link #require}). */
    static void requireTool(String name, String debianPackage) {
        require(onPath(name), name + " is not installed (Debian package " + debianPackage + ")");
    }

    static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name));
    }

    static boolean root() {
        return run("id", "-u").ok().out().strip().equals("0");
    }
}
