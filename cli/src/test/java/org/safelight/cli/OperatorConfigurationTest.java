package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import picocli.CommandLine;

/** Operator commands find the server's storage as {@code serve} does; its configuration is checked. */
class OperatorConfigurationTest {
    @TempDir
    Path dir;

    private Path serverData() {
        Path data = dir.resolve("server-data");
        try (Database db = Database.open(Database.sqliteUrl(createFolder(data)))) {
            db.migrate("accounts");
        }
        return data;
    }

    private static Path createFolder(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void admin_commands_read_the_data_folder_from_the_environment_like_serve() {
        Path data = serverData();
        Cli.Result r = Cli.runWithEnv(Map.of("SAFELIGHT_DATA_DIR", data.toString()), "admin", "enterprise", "create",
                "--name", "Example Hospital", "--admin", "it@hospital.example");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out().lines()).hasSize(1);
    }

    @Test
    void admin_commands_read_the_data_folder_from_the_servers_config_file() throws Exception {
        Path data = serverData();
        Path config = Files.writeString(dir.resolve("safelight.properties"),
                "data-dir=" + data + "\nport=8443\nroles=accounts,keys\n");
        Cli.Result r = Cli.run("admin", "enterprise", "create", "--config", config.toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Cli.Result viaEnv = Cli.runWithEnv(Map.of("SAFELIGHT_CONFIG", config.toString()), "admin", "enterprise",
                "create", "--name", "Other Hospital", "--admin", "it@other.example");
        assertThat(viaEnv.exitCode()).as(viaEnv.stderr()).isZero();
    }

    @Test
    void only_serves_options_come_from_the_environment_not_an_operator_commands_own() {
        Path data = serverData();
        Cli.Result r = Cli.runWithEnv(Map.of("SAFELIGHT_DATA_DIR", data.toString(), "SAFELIGHT_NAME", "Injected"),
                "admin", "enterprise", "create", "--admin", "it@hospital.example");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--name");
    }

    @Test
    void a_config_file_with_an_unknown_key_is_refused_naming_the_key() throws Exception {
        Path config = Files.writeString(dir.resolve("safelight.properties"), "data-dir=x\nprot=8080\n");
        for (String[] args : new String[][] {{"audit", "verify", "--config", config.toString()},
            {"serve", "--config", config.toString()}}) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.stderr()).contains("unknown key 'prot'", config.toString());
        }
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void a_servers_configuration_never_stops_a_users_command() throws Exception {
        Path config = Files.writeString(dir.resolve("safelight.properties"), "prot=8080\n");
        Cli.Result r = Cli.runWithEnv(Map.of("SAFELIGHT_CONFIG", config.toString()), "encrypt", "--help");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Cli.Result missing = Cli.runWithEnv(Map.of("SAFELIGHT_CONFIG", dir.resolve("none").toString()), "--version");
        assertThat(missing.exitCode()).as(missing.stderr()).isZero();
    }

    @Test
    void every_serve_option_has_help_text() {
        CommandLine cli = Main.commandLine(new Main(System.in, System.out, Map.of(), Terminal.system()), null);
        for (CommandLine.Model.OptionSpec option : cli.getSubcommands().get("serve").getCommandSpec().options()) {
            assertThat(String.join(" ", option.description())).as(option.longestName()).isNotBlank();
        }
    }

    @Test
    void the_version_names_the_commit_or_says_it_is_unknown() {
        assertThat(Main.Version.line("1.2.0", "0123456789ab")).isEqualTo("safelight 1.2.0 (commit 0123456789ab)");
        assertThat(Main.Version.line("1.2.0", "unknown commit")).isEqualTo("safelight 1.2.0 (unknown commit)");
        assertThat(Main.Version.line(null, null)).isEqualTo("safelight development build (unknown commit)");
        Cli.Result r = Cli.run("--version");
        assertThat(r.out()).matches("safelight \\S+ \\((commit [0-9a-f]{7,}|unknown commit)\\)\\R");
    }
}
