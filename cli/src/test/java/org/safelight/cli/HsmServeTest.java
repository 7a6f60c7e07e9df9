package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.keys.audit.ChainKey;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;
import org.safelight.server.crypto.Pkcs11MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.testing.Ports;
import org.safelight.server.testing.SoftHsm;

/** {@code serve} with the master key in a PKCS#11 token (SoftHSM2): the key server works on it; a wrong PIN stops it. */
class HsmServeTest {
    @TempDir
    Path dir;

    private static SafelightServer start(Path data, Supplier<MasterKey> masterKey) throws Exception {
        return Ports.onFreePort(port -> SafelightServer.start(new ServeConfig(data, "127.0.0.1", port,
                Set.of("accounts", "keys"), Database.sqliteUrl(data), null, null, null,
                URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60, ServeConfig.Cloud.DEFAULTS,
                List.of(), TrustedProxies.NONE), Clock.systemUTC(), masterKey));
    }

    @Test
    void a_key_server_on_a_key_in_the_token_creates_and_serves_report_keys_and_its_audit_verifies() throws Exception {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        MasterKey hsm = Pkcs11MasterKey.openOrCreate(token.config(), "serve-key", token.pinChars());
        Path data = dir.resolve("data");
        String reportId;
        try (SafelightServer server = start(data, () -> Pkcs11MasterKey.open(token.config(), "serve-key",
                token.pinChars()))) {
            TestUsers users = new TestUsers(dir, data, server.url().toString());
            users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
            Fixtures.draft(dir.resolve("draft"));
            Path report = users.seal("ada", dir.resolve("draft"));
            reportId = report.getFileName().toString().replace(".picsafe", "");

            Cli.Result open = users.run("ada", "open", report.toString(), "-o", dir.resolve("opened").toString());
            assertThat(open.exitCode()).as(open.stderr()).isZero();
            assertThat(dir.resolve("opened")).isNotEmptyDirectory();
        }

        assertThat(data.resolve(MasterKey.FILE_NAME)).as("no file key made beside the token's").doesNotExist();
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            String sealed = db.jdbi().withHandle(h -> h.createQuery("SELECT sealed_key FROM report_keys WHERE report_id = :id")
                    .bind("id", reportId).mapTo(String.class).one());
            assertThat(MasterKey.sealedBy(sealed)).contains(hsm.id());
            String chain = db.jdbi().withHandle(h -> h.createQuery("SELECT sealed_key FROM purpose_keys WHERE label = :l")
                    .bind("l", ChainKey.LABEL).mapTo(String.class).one());
            assertThat(MasterKey.sealedBy(chain)).contains(hsm.id());
        }
        Path pinFile = Files.writeString(dir.resolve("pin"), token.pin() + "\n");
        Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result readable = Cli.run("audit", "verify", "--data-dir", data.toString(), "--master-key-pkcs11",
                token.config().toString(), "--master-key-label", "serve-key", "--master-key-pin-file", pinFile.toString());
        assertThat(readable.exitCode()).isEqualTo(2);
        assertThat(readable.stderr()).contains("chmod 600");
        Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));
        Cli.Result verify = Cli.run("audit", "verify", "--data-dir", data.toString(), "--master-key-pkcs11",
                token.config().toString(), "--master-key-label", "serve-key", "--master-key-pin-file", pinFile.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.out()).startsWith("OK: ");
        // the operator's signing-key commands open the keys sealed inside the token too
        Cli.Result keys = Cli.run("admin", "signing-keys", "list", "--data-dir", data.toString(),
                "--master-key-pkcs11", token.config().toString(), "--master-key-label", "serve-key",
                "--master-key-pin-file", pinFile.toString());
        assertThat(keys.exitCode()).as(keys.stderr()).isZero();
        assertThat(keys.out().lines().findFirst().orElseThrow()).contains("current");
    }

    @Test
    void a_wrong_pin_stops_the_start_with_a_clear_message_and_leaves_nothing_behind() throws Exception {
        SoftHsm.Token untouched = SoftHsm.token(SoftHsm.UNTOUCHED);
        Path data = dir.resolve("data");

        assertThatThrownBy(() -> start(data, () -> Pkcs11MasterKey.open(untouched.config(), "any",
                "000000".toCharArray()))).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("refused the PIN").hasMessageNotContaining("000000");

        assertThat(data).as("a failed start leaves nothing behind").doesNotExist();
    }

    @Test
    void serve_refuses_token_options_without_a_label_or_a_pin_before_starting() {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        Path data = dir.resolve("data");

        Cli.Result noLabel = Cli.runWithEnv(Map.of("SAFELIGHT_HSM_PIN", token.pin()), "serve", "--data-dir",
                data.toString(), "--port", "0", "--master-key-pkcs11", token.config().toString());
        Cli.Result noPin = Cli.run("serve", "--data-dir", data.toString(), "--port", "0", "--master-key-pkcs11",
                token.config().toString(), "--master-key-label", "serve-key");
        Cli.Result pinOnCommandLine = Cli.run("serve", "--data-dir", data.toString(), "--master-key-pin", "1234");

        assertThat(noLabel.exitCode()).isEqualTo(2);
        assertThat(noLabel.stderr()).contains("--master-key-label");
        assertThat(noPin.exitCode()).isEqualTo(2);
        assertThat(noPin.stderr()).contains("SAFELIGHT_HSM_PIN", "--master-key-pin-file");
        assertThat(pinOnCommandLine.exitCode()).as("there is no such option").isEqualTo(2);
    }
}
