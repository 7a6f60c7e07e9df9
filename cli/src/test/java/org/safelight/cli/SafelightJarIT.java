package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: a separate JVM, exit codes and streams as seen by a shell. */
class SafelightJarIT {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run safelight(String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target", "safelight.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        // output to files: a pipe that fills up would block the child until the time limit
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("safelight " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void the_packaged_cli_seals_inspects_and_opens_a_report() throws Exception {
        Fixtures.draft(dir.resolve("draft"));
        Run seal = safelight("seal", dir.resolve("draft").toString(), "-o", dir.resolve("r.picsafe").toString(),
                "--password", "k", "--keyserver-url", "https://keys.example.org");
        assertThat(seal.code()).as(seal.err()).isZero();
        Run inspect = safelight("inspect", dir.resolve("r.picsafe").toString());
        assertThat(inspect.out()).contains("key server at https://keys.example.org");
        Run open = safelight("open", dir.resolve("r.picsafe").toString(), "-o", dir.resolve("o").toString(),
                "--password", "k");
        assertThat(open.code()).as(open.err()).isZero();
        assertThat(Files.size(dir.resolve("o/report.pdf"))).isGreaterThan(10_000);
        assertThat(Files.size(dir.resolve("o/gait-thumbnail.jpg"))).isGreaterThan(1_000);
    }

    @Test
    void the_packaged_cli_reports_failures_with_one_line_and_the_documented_exit_code() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.picsafe"), "not a report");
        Run open = safelight("open", junk.toString(), "-o", dir.resolve("o").toString());
        assertThat(open.code()).isEqualTo(4);
        assertThat(open.err().lines()).hasSize(1);
        assertThat(safelight("nonsense").code()).isEqualTo(2);
        Run version = safelight("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).matches("safelight \\S+ \\((commit [0-9a-f]{7,}|unknown commit)\\)\\R");
    }

    @Test
    void operator_commands_print_one_line_and_no_library_logs_unless_verbose() throws Exception {
        Path data = dir.resolve("data");
        try (org.safelight.server.db.Database db = org.safelight.server.db.Database.open(
                org.safelight.server.db.Database.sqliteUrl(Files.createDirectories(data)))) {
            db.migrate("accounts");
        }
        org.safelight.server.crypto.MasterKey.load(data, java.util.Map.of());

        Run create = safelight("admin", "enterprise", "create", "--data-dir", data.toString(), "--name", "Hospital",
                "--admin", "it@hospital.example", "--domains", "hospital.example");
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out().lines()).hasSize(1);
        // the one expected note (no account has the admin's address yet), nothing from Flyway or Hikari
        assertThat(create.err().lines()).singleElement().asString().startsWith("safelight: warning: no account");

        Run verify = safelight("audit", "verify", "--data-dir", data.toString());
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(verify.out().lines()).hasSize(1);
        assertThat(verify.err()).isEmpty();

        Run verbose = safelight("audit", "verify", "--data-dir", data.toString(), "--verbose");
        assertThat(verbose.code()).as(verbose.err()).isZero();
        assertThat(verbose.out().lines()).hasSize(1);
        assertThat(verbose.err()).contains("org.flywaydb");
    }
}
