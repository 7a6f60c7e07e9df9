package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

class EnterpriseCommandsTest {
    @TempDir
    Path dir;

    private SafelightServer server;
    private TestUsers users;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"));
        users = new TestUsers(dir, dir.resolve("data"), server.url().toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_operator_creates_an_enterprise_and_its_admin_makes_credentials_shown_once() throws Exception {
        users.signUp("ada", "ada@hospital.example");
        users.verify("ada", "ada@hospital.example");
        users.signUpVerifyAndLogIn("bob", "bob@elsewhere.example");

        Cli.Result create = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "Example Hospital", "--admin", "ada@hospital.example", "--domains", "hospital.example");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        assertThat(create.out()).contains("Created enterprise", "Example Hospital");

        users.logIn("ada", "ada@hospital.example");
        assertThat(users.run("ada", "whoami").out()).contains("enterprise: Example Hospital");

        Cli.Result key = users.run("ada", "enterprise", "api-key", "new", "--label", "sync on the EMR host");
        assertThat(key.exitCode()).as(key.stderr()).isZero();
        assertThat(key.out().lines()).as("only the secret on stdout").hasSize(1);
        String secret = key.out().strip();
        assertThat(secret).startsWith("slak_");
        assertThat(key.stderr()).contains("shown once");
        String id = key.stderr().replaceAll("(?s).*API key (\\S+): shown once.*", "$1").strip();

        Cli.Result list = users.run("ada", "enterprise", "api-key", "list");
        assertThat(list.out()).contains(id, secret.substring(secret.length() - 4), "\"sync on the EMR host\"",
                "never used").doesNotContain(secret);
        assertThat(users.run("ada", "enterprise", "api-key", "revoke", id).exitCode()).isZero();
        assertThat(users.run("ada", "enterprise", "api-key", "list").out()).contains("(revoked)");

        Cli.Result token = users.run("ada", "enterprise", "key-server-token", "new");
        assertThat(token.out().lines().findFirst().orElseThrow()).startsWith("slkst_");

        Cli.Result refused = users.run("bob", "enterprise", "api-key", "new");
        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(refused.errLines()).hasSize(1).first().asString().contains("not_enterprise_admin");
    }

    @Test
    void a_bad_enterprise_is_a_usage_error_naming_the_problem() {
        Cli.Result r = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "X", "--admin", "not-an-email");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("not an email address");
        assertThat(Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("nowhere").toString(),
                "--name", "X", "--admin", "a@b.example").stderr()).contains("no Safelight database");
    }
}
