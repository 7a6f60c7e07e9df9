package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.Credentials;
import org.safelight.cli.serve.EnvironmentDefaults;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.role.RoleName;
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
        assertThat(c.roles()).containsExactly(RoleName.KEYS);
        assertThat(c.accountsUrl()).hasToString("https://accounts.example.org");
        assertThat(parse(Map.of("SAFELIGHT_PORT", "7100"), file, "--port", "7200").port()).isEqualTo(7200);
    }

    @Test
    void the_embedded_default_is_sqlite_in_the_data_folder() throws IOException {
        ServeConfig c = parse(Map.of(), null, "--data-dir", dir.toString());
        assertThat(c.databaseUrl()).isEqualTo("jdbc:sqlite:" + dir.toAbsolutePath().resolve("safelight.db"));
        assertThat(c.roles()).containsExactly(RoleName.ACCOUNTS, RoleName.KEYS, RoleName.CLOUD, RoleName.WEB,
                RoleName.ENDPOINT);
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
    void a_web_key_server_over_plain_http_on_another_host_is_refused_like_the_clis() {
        Cli.Result r = Cli.run("serve", "--web-key-servers", "http://keys.example.org", "--data-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("http://keys.example.org is plain http on another host");
    }

    @Test
    void the_web_endpoint_is_an_https_url_or_one_on_this_computer() throws IOException {
        ServeConfig c = parse(Map.of(), null, "--web-endpoint", "https://intake.hospital.example");
        assertThat(c.wiring(org.safelight.web.WebWiring.class).orElseThrow().settings().endpoint())
                .isEqualTo("https://intake.hospital.example");
        assertThat(parse(Map.of(), null, "--data-dir", dir.toString()).wiring(org.safelight.web.WebWiring.class)
                .orElseThrow().settings().endpoint()).isEmpty();
        Cli.Result r = Cli.run("serve", "--web-endpoint", "http://intake.hospital.example", "--data-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--web-endpoint").doesNotContain("--web-key-servers");
    }

    @Test
    void the_endpoints_received_folder_comes_from_its_flag_or_the_environment_else_the_data_folder() throws IOException {
        String shared = dir.resolve("mnt/received").toString();
        ServeConfig flag = parse(Map.of(), null, "--endpoint-received", shared);
        ServeConfig env = parse(Map.of("SAFELIGHT_ENDPOINT_RECEIVED", shared), null);
        ServeConfig none = parse(Map.of(), null);

        for (ServeConfig c : List.of(flag, env)) {
            assertThat(c.wiring(org.safelight.endpoint.EndpointWiring.class).orElseThrow().settings().received())
                    .contains(Path.of(shared));
            assertThat(c.describe()).containsEntry("endpoint-received", shared);
        }
        assertThat(none.wiring(org.safelight.endpoint.EndpointWiring.class).orElseThrow().settings().received()).isEmpty();
        assertThat(none.describe()).containsEntry("endpoint-received", "DATA_DIR/endpoint/received");
    }

    @Test
    void sync_refuses_a_key_server_over_plain_http_on_another_host_before_sending_anything() {
        Cli.Result r = Cli.run("sync", "--server", "https://safelight.example", "--api-key", "slak_x",
                "--key-server-token", "slkst_x", "--key-server", "http://keys.example.org/api", "--out",
                dir.resolve("out").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--key-server: the key server http://keys.example.org is plain http")
                .contains("only to --server or to this computer");
        assertThat(dir.resolve("out")).doesNotExist();
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
    void a_cloud_role_apart_from_accounts_needs_the_service_credential_and_it_is_masked() throws IOException {
        Cli.Result r = Cli.run("serve", "--roles", "cloud", "--accounts-url", "http://accounts.example",
                "--data-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--service-credential");
        assertThat(Cli.run("serve", "--service-credential", "too-short", "--data-dir", dir.toString()).stderr())
                .contains("at least 32 characters");

        String secret = "a-long-enough-service-credential-for-the-test";
        ServeConfig c = parse(Map.of("SAFELIGHT_SERVICE_CREDENTIAL", secret), null, "--roles", "cloud",
                "--accounts-url", "http://accounts.example", "--data-dir", dir.toString());
        assertThat(c.cloud().serviceCredential().matches(secret)).isTrue();
        assertThat(c.describe().toString()).doesNotContain(secret).contains("service-credential=****");
    }

    @Test
    void the_keys_role_alone_must_be_told_which_accounts_server_to_trust() {
        Cli.Result r = Cli.run("serve", "--roles", "keys", "--data-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--accounts-url");
        assertThat(Cli.run("serve", "--roles", "cloudz").stderr()).contains("unknown role 'cloudz'");
    }

    @Test
    void the_cloud_settings_come_from_flags_and_the_environment_and_the_s3_secret_is_masked() throws IOException {
        ServeConfig c = parse(Map.of("SAFELIGHT_BLOB_STORE", "s3", "SAFELIGHT_S3_BUCKET", "reports",
                        "SAFELIGHT_S3_ACCESS_KEY", "AKIAEXAMPLE", "SAFELIGHT_S3_SECRET_KEY", "s3-very-secret"), null,
                "--s3-endpoint", "http://minio.internal:9000", "--s3-region", "eu-central-1",
                "--cloud-max-upload-mb", "10", "--cloud-quota-mb", "0", "--cloud-uploads-per-hour", "7");
        assertThat(c.cloud().s3()).isTrue();
        assertThat(c.cloud().s3Bucket()).isEqualTo("reports");
        assertThat(c.cloud().s3Endpoint()).hasToString("http://minio.internal:9000");
        assertThat(c.cloud().s3SecretKey()).isEqualTo("s3-very-secret");
        assertThat(c.cloud().uploads()).isEqualTo(new org.safelight.cloud.UploadLimits(10L << 20, 0, 7));
        assertThat(parse(Map.of("SAFELIGHT_TRUSTED_PROXIES", "10.0.0.0/8, ::1"), null, "--data-dir", dir.toString())
                .describe().toString()).contains("trusted-proxies=10.0.0.0/8,::1");
        String described = c.describe().toString();
        assertThat(described).doesNotContain("s3-very-secret").contains("bucket reports", "AKIAEXAMPLE",
                "cloud-max-upload-mb=10", "cloud-quota-mb=0 (none)", "cloud-uploads-per-hour=7");
        ServeConfig defaults = parse(Map.of(), null, "--data-dir", dir.toString());
        assertThat(defaults.cloud().s3()).isFalse();
        assertThat(defaults.cloud().uploads()).isEqualTo(new org.safelight.cloud.UploadLimits(2048L << 20,
                10240L << 20, 120));
    }

    @Test
    void bad_cloud_settings_are_usage_errors_naming_the_flag() {
        assertThat(Cli.run("serve", "--blob-store", "s3", "--data-dir", dir.toString()).stderr()).contains("--s3-bucket");
        assertThat(Cli.run("serve", "--blob-store", "nfs", "--data-dir", dir.toString()).stderr())
                .contains("--blob-store");
        assertThat(Cli.run("serve", "--cloud-max-upload-mb", "0", "--data-dir", dir.toString()).exitCode()).isEqualTo(2);
        assertThat(Cli.run("serve", "--trusted-proxies", "10.0.0.0/8,proxy.internal", "--data-dir", dir.toString())
                .stderr()).contains("--trusted-proxies", "proxy.internal");
        assertThat(Cli.run("serve", "--cloud-quota-mb", "-1", "--data-dir", dir.toString()).stderr())
                .contains("--cloud-quota-mb");
        assertThat(Cli.run("serve", "--cloud-uploads-per-hour", "0", "--data-dir", dir.toString()).stderr())
                .contains("--cloud-uploads-per-hour");
        assertThat(Cli.run("serve", "--cloud-max-upload-mb", "20000", "--data-dir", dir.toString()).stderr())
                .contains("--cloud-quota-mb (10240) must be 0 or at least --cloud-max-upload-mb (20000)");
        assertThat(Cli.run("serve", "--blob-store", "s3", "--s3-bucket", "b", "--s3-access-key", "a",
                "--data-dir", dir.toString()).stderr()).contains("--s3-secret-key");
        Cli.Result alone = Cli.run("serve", "--roles", "cloud", "--data-dir", dir.toString());
        assertThat(alone.exitCode()).isEqualTo(2);
        assertThat(alone.stderr()).contains("--accounts-url");
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

    @Test
    void a_port_in_use_is_one_line_that_says_so() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run("serve", "--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()),
                    "--data-dir", dir.resolve("data").toString());
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.errLines()).last().asString().startsWith("safelight: ").contains("already in use",
                    Integer.toString(taken.getLocalPort())).doesNotContain("unexpected");
        }
    }

    @Test
    void listening_beyond_this_computer_with_a_localhost_public_url_is_one_warning() throws IOException {
        assertThat(parse(Map.of(), null, "--host", "0.0.0.0").publicUrlWarning()).hasValueSatisfying(w -> assertThat(w)
                .contains("listening on 0.0.0.0", "http://localhost:8080", "--public-url").doesNotContain("\n"));
        assertThat(parse(Map.of(), null, "--host", "0.0.0.0", "--public-url", "http://127.0.0.1:8080")
                .publicUrlWarning()).isPresent();
        assertThat(parse(Map.of(), null, "--host", "0.0.0.0", "--public-url", "https://safelight.example.org")
                .publicUrlWarning()).isEmpty();
        assertThat(parse(Map.of(), null).publicUrlWarning()).as("the default listens on this computer only").isEmpty();
        assertThat(parse(Map.of(), null, "--host", "::1").publicUrlWarning()).isEmpty();
    }
}
