package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

/** An institution's key server runs alone, trusting an accounts server elsewhere through its JWKS. */
class PrivateKeyServerTest {
    @TempDir
    Path dir;

    @Test
    void a_lone_key_server_trusts_tokens_from_the_accounts_server_and_applies_its_own_policy() throws Exception {
        try (SafelightServer accounts = TestServer.start(dir.resolve("accounts"), Set.of("accounts"), null);
             SafelightServer keys = TestServer.start(dir.resolve("keys"), Set.of("keys"), accounts.url())) {
            assertThat(keys.routes()).noneMatch(r -> r.contains("/accounts/"));
            Files.writeString(dir.resolve("keys/blacklist"), "*\n");
            Files.writeString(dir.resolve("keys/whitelist"), "# staff only\n*@hospital.example\n");

            TestUsers users = new TestUsers(dir, dir.resolve("accounts"), accounts.url().toString());
            users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
            users.signUpVerifyAndLogIn("eve", "eve@elsewhere.example");

            Fixtures.draft(dir.resolve("draft"));
            Cli.Result seal = users.run("ada", "seal", dir.resolve("draft").toString(), "-o", dir.resolve("out") + "/",
                    "--keyserver", keys.url().toString());
            assertThat(seal.exitCode()).as(seal.stderr()).isZero();
            Path report;
            try (Stream<Path> out = Files.list(dir.resolve("out"))) {
                report = out.findFirst().orElseThrow();
            }
            // another origin than the sign-in's: each names it as a key server they trust
            Cli.Result eve = users.run("eve", "open", report.toString(), "-o", dir.resolve("eve").toString(),
                    "--key-server", keys.url().toString());
            assertThat(eve.exitCode()).isEqualTo(5);
            assertThat(eve.errLines()).hasSize(1).first().asString().contains("access_denied");
            assertThat(dir.resolve("eve")).doesNotExist();

            // staff only: the policy edit above needed no restart, and a whitelisted colleague gets in
            users.signUpVerifyAndLogIn("sam", "sam@hospital.example");
            assertThat(users.run("sam", "trust", "add", keys.url().toString()).exitCode()).isZero();
            assertThat(users.run("sam", "open", report.toString(), "-o", dir.resolve("sam").toString()).exitCode())
                    .isZero();
            String reportId = report.getFileName().toString().replace(".picsafe", "");
            assertThat(users.run("ada", "keys", "log", reportId, "--keyserver", keys.url().toString()).out())
                    .contains("eve@elsewhere.example", "refused", "sam@hospital.example", "granted");
        }
    }
}
