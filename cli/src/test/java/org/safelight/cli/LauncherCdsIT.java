package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./safelight} launcher and its class-data-sharing archive: made on a command's first
 * run, used on the next, and never a failure or a stray line when it is stale, corrupt or cannot be kept.
 */
class LauncherCdsIT {
    @TempDir
    Path dir;
    Path cache;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void draft() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        cache = dir.resolve("cache");
    }

    private Run safelight(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path launcher = Path.of("..", "safelight").toAbsolutePath().normalize();
        assertThat(Path.of("target", "safelight.jar")).exists();
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> environment = new HashMap<>(Map.of("XDG_CACHE_HOME", cache.toString(),
                "SAFELIGHT_JAVA_OPTS", "-XX:+UseSerialGC -Djava.awt.headless=true"));
        environment.putAll(env);
        pb.environment().putAll(environment);
        pb.environment().values().removeIf(String::isEmpty); // "" in env: that variable unset
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("safelight " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private Run seal(String name) throws IOException, InterruptedException {
        return safelight(Map.of(), "seal", dir.resolve("draft").toString(), "-o", dir.resolve(name).toString(),
                "--password", "k", "--keyserver-url", "https://keys.example.org");
    }

    /** Seals, and the report opens with the key: the whole command worked, not just its exit code. */
    private void sealsAndOpens(String name) throws IOException, InterruptedException {
        Run seal = seal(name + ".picsafe");
        assertThat(seal.code()).as(seal.err()).isZero();
        assertThat(seal.err()).isEmpty();
        Run open = safelight(Map.of(), "open", dir.resolve(name + ".picsafe").toString(), "-o",
                dir.resolve(name).toString(), "--password", "k");
        assertThat(open.code()).as(open.err()).isZero();
        assertThat(dir.resolve(name).resolve("report.pdf")).exists();
    }

    private List<Path> archives(String command) throws IOException {
        Path cds = cache.resolve("safelight/cds");
        if (!Files.isDirectory(cds)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cds)) {
            return files.filter(f -> f.getFileName().toString().startsWith(command + "-")).toList();
        }
    }

    @Test
    void the_first_seal_leaves_one_archive_that_the_next_seals_use_and_an_older_one_is_removed()
            throws Exception {
        Files.createDirectories(cache.resolve("safelight/cds"));
        Path older = Files.writeString(cache.resolve("safelight/cds/seal-1.jsa"), "from an older version");
        sealsAndOpens("first");
        List<Path> made = archives("seal");
        assertThat(made).hasSize(1).doesNotContain(older);
        assertThat(Files.size(made.get(0))).isGreaterThan(1_000_000);
        long written = Files.getLastModifiedTime(made.get(0)).toMillis();
        sealsAndOpens("second");
        assertThat(archives("seal")).containsExactlyElementsOf(made);
        assertThat(Files.getLastModifiedTime(made.get(0)).toMillis()).isEqualTo(written);
        try (Stream<Path> files = Files.list(cache.resolve("safelight/cds"))) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void a_corrupt_truncated_or_empty_archive_is_ignored_without_a_word() throws Exception {
        sealsAndOpens("first");
        for (int i = 0; i < 4; i++) {
            Path archive = archives("seal").get(0);
            byte[] whole = Files.readAllBytes(archive);
            byte[] noise = new byte[4096];
            new java.util.Random(i).nextBytes(noise);
            byte[] flipped = whole.clone(); // same size: the JVM's checksums must catch it
            System.arraycopy(noise, 0, flipped, whole.length / 2, noise.length);
            byte[][] spoilt = {flipped, java.util.Arrays.copyOf(whole, whole.length / 3), noise, new byte[0]};
            archive.toFile().setWritable(true);
            Files.write(archive, spoilt[i]);
            sealsAndOpens("spoilt" + i);
            assertThat(archives("seal")).as("a whole archive again").hasSize(1);
        }
    }

    @Test
    void an_archive_made_for_another_jar_is_ignored_without_a_word() throws Exception {
        sealsAndOpens("first");
        Path archive = archives("seal").get(0);
        String name = archive.getFileName().toString();
        Files.delete(archive);
        // the same classes from another jar file, under the name this jar's archive would have
        Path copy = Files.copy(Path.of("target", "safelight.jar"), dir.resolve("other.jar"));
        Path dumped = dir.resolve("other.jsa");
        Process dump = new ProcessBuilder("java", "-XX:ArchiveClassesAtExit=" + dumped, "-Xlog:cds*=off", "-jar",
                copy.toString(), "--version").redirectErrorStream(true).redirectOutput(dir.resolve("dump.txt").toFile())
                .start();
        assertThat(dump.waitFor(2, TimeUnit.MINUTES)).isTrue();
        Path stale = archive.resolveSibling(name.substring(0, name.lastIndexOf('-') + 1) + Files.size(dumped) + ".jsa");
        Files.move(dumped, stale);
        sealsAndOpens("stale");
        assertThat(archives("seal")).containsExactly(stale);
    }

    @Test
    void a_cache_that_cannot_be_made_leaves_the_command_as_it_was() throws Exception {
        Files.writeString(cache, "a file where the cache folder should be");
        sealsAndOpens("nocache");
        assertThat(cache).isRegularFile();
    }

    @Test
    void a_failed_command_keeps_no_archive_and_its_exit_code() throws Exception {
        Run open = safelight(Map.of(), "open", dir.resolve("missing.picsafe").toString(), "-o",
                dir.resolve("o").toString(), "--password", "k");
        assertThat(open.code()).isNotZero();
        assertThat(open.err().lines()).hasSize(1);
        assertThat(archives("open")).isEmpty();
    }

    @Test
    void what_a_command_prints_is_the_same_with_and_without_its_archive() throws Exception {
        sealsAndOpens("first");
        Run plain = safelight(Map.of("SAFELIGHT_CDS", "off"), "inspect", dir.resolve("first.picsafe").toString());
        Run dumping = safelight(Map.of(), "inspect", dir.resolve("first.picsafe").toString());
        Run mapped = safelight(Map.of(), "inspect", dir.resolve("first.picsafe").toString());
        assertThat(archives("inspect")).hasSize(1);
        for (Run r : List.of(dumping, mapped)) {
            assertThat(r.code()).isZero();
            assertThat(r.out()).isEqualTo(plain.out());
            assertThat(r.err()).isEqualTo(plain.err());
        }
    }

    private static List<Path> archivesUnder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void a_cds_folder_that_others_may_write_to_is_never_used() throws Exception {
        Path cds = Files.createDirectories(cache.resolve("safelight/cds"));
        Files.setPosixFilePermissions(cds, PosixFilePermissions.fromString("rwxrwxrwx"));
        sealsAndOpens("first");
        sealsAndOpens("second");
        assertThat(archivesUnder(cds)).isEmpty();
    }

    @Test
    void a_cache_root_of_another_user_gets_nothing_created_in_it() throws Exception {
        // Root running with another user's XDG_CACHE_HOME (sudo -E): that user could rename our folders.
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can hand a folder to another user");
        Files.createDirectories(cache);
        Files.setOwner(cache, cache.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        sealsAndOpens("first");
        sealsAndOpens("second");
        assertThat(cache.resolve("safelight")).doesNotExist();
    }

    @Test
    void a_safelight_cache_folder_that_is_a_symlink_is_never_used() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/cds"));
        Files.createDirectories(cache);
        Files.createSymbolicLink(cache.resolve("safelight"), elsewhere.getParent());
        sealsAndOpens("first");
        sealsAndOpens("second");
        assertThat(archivesUnder(elsewhere.getParent())).isEmpty();
    }

    @Test
    void without_home_and_cache_variables_the_command_runs_and_creates_nothing() throws Exception {
        boolean existed = Files.exists(Path.of("/nonexistent"));
        Run help = safelight(Map.of("HOME", "", "XDG_CACHE_HOME", ""), "encrypt", "--help");
        assertThat(help.code()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: safelight encrypt");
        assertThat(cache).doesNotExist();
        if (!existed) {
            assertThat(Path.of("/nonexistent")).doesNotExist();
        }
    }

    @Test
    void a_launcher_terminated_while_it_makes_an_archive_takes_java_with_it_and_leaves_no_temporary_file()
            throws Exception {
        Path fifo = dir.resolve("fifo"); // encrypt waits on it for ever: a long-running first run
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path launcher = Path.of("..", "safelight").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "encrypt", "--password", "k",
                fifo.toString(), dir.resolve("out").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("term.txt").toFile());
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process bash = pb.start();
        Optional<ProcessHandle> java = Optional.empty();
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (java.isEmpty() && Instant.now().isBefore(deadline)) {
                java = bash.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).findFirst();
                bash.waitFor(50, TimeUnit.MILLISECONDS); // a poll interval that ends early if the launcher dies
            }
            assertThat(java).as("java started by the launcher").isPresent();
            bash.destroy(); // SIGTERM to the launcher's pid only, as timeout(1) or a supervisor would
            assertThat(java.get().onExit().get(1, TimeUnit.MINUTES).isAlive()).isFalse();
            assertThat(bash.waitFor(1, TimeUnit.MINUTES)).isTrue();
            try (Stream<Path> files = Files.list(cache.resolve("safelight/cds"))) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
        } finally {
            java.ifPresent(ProcessHandle::destroyForcibly);
            bash.destroyForcibly();
        }
    }
}
