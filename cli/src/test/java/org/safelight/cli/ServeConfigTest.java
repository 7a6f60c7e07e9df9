package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.client.Credentials;
import org.safelight.cli.serve.EnvironmentDefaults;
import org.safelight.cli.serve.ServeConfig;
import picocli.CommandLine;

class ServeConfigTest {
    @TempDir
    Path dir;

    private ServeConfig parse(Map<String, String> env, Path file, String... args) throws IOException {
        ServeCommand serve = new ServeCommand();
        CommandLine cmd = new CommandLine(serve);
        cmd.setDefaultValueProvider(new EnvironmentDefaults(env, file));
        cmd.parseArgs(args);
        return serve.config();
    }

    @Test
    void flags_win_over_the_environment_which_wins_over_the_config_file() throws IOException {
        Path file = Files.writeString(dir.resolve("safelight.properties"), "port=7000\nroles=keys\n"
                + "accounts-url=https://accounts.example.org\npublic-url=https://keys.example.org\n");
        ServeConfig c = parse(Map.of("SAFELIGHT_PORT", "7100"), file, "--data-dir", dir.toString());
        assertThat(c.port()).isEqualTo(7100);
        assertThat(c.roles()).containsExactly("keys");
        assertThat(c.accountsUrl()).hasToString("https://accounts.example.org");
        assertThat(parse(Map.of("SAFELIGHT_PORT", "7100"), file, "--port", "7200").port()).isEqualTo(7200);
    }

    @Test
    void the_embedded_default_is_sqlite_in_the_data_folder() throws IOException {
        ServeConfig c = parse(Map.of(), null, "--data-dir", dir.toString());
        assertThat(c.databaseUrl()).isEqualTo("jdbc:sqlite:" + dir.toAbsolutePath().resolve("safelight.db"));
        assertThat(c.roles()).containsExactly("accounts", "keys", "cloud", "web");
        assertThat(c.publicUrl()).hasToString("http://localhost:8080");
    }

    @Test
    void web_key_servers_are_http_urls() throws IOException {
        ServeConfig c = parse(Map.of(), null, "--web-key-servers", "https://keys.example.org, http://localhost:9000");
        assertThat(c.webKeyServers()).containsExactly("https://keys.example.org", "http://localhost:9000");
        Cli.Result r = Cli.run("serve", "--web-key-servers", "ftp://keys.example.org", "--data-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--web-key-servers");
    }

    @Test
    void the_effective_configuration_masks_every_secret() throws IOException {
        ServeConfig c = parse(Map.of("SAFELIGHT_DATABASE_PASSWORD", "pg-secret", "SAFELIGHT_SMTP_PASSWORD", "mail-secret"),
                null, "--database-url", "jdbc:postgresql://db:5432/safelight?user=app&password=url-secret",
                "--smtp-host", "smtp.example.org", "--smtp-user", "mailer");
        String described = c.describe().toString();
        assertThat(described).doesNotContain("pg-secret", "mail-secret", "url-secret");
        assertThat(described).contains("password=****", "smtp.example.org");
    }

    @Test
    void the_keys_role_alone_must_be_told_which_accounts_server_to_trust() {
        Cli.Result r = Cli.run("serve", "--roles", "keys", "--data-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--accounts-url");
        assertThat(Cli.run("serve", "--roles", "cloudz").stderr()).contains("unknown role 'cloudz'");
    }

    @Test
    void a_kept_sign_in_is_readable_by_its_owner_only() throws IOException {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", dir.toString());
        new Credentials("https://accounts.example.org", "a@example.org", "access", Instant.parse("2026-11-22T10:00:00Z"),
                "refresh").save(env);
        Path file = dir.resolve("safelight/credentials.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Credentials back = Credentials.load(env).orElseThrow();
        assertThat(back.refreshToken()).isEqualTo("refresh");
        assertThat(back.toString()).doesNotContain("access", "refresh");
        assertThat(Credentials.delete(env)).isTrue();
        assertThat(Credentials.load(env)).isEmpty();
    }
}
