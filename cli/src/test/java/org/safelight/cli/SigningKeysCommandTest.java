package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;

/** {@code safelight admin signing-keys list|rotate|retire} on the server's database. */
class SigningKeysCommandTest {
    @TempDir
    Path dir;

    private String currentKid(Path data) {
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            db.migrate("accounts");
            return SigningKeys.open(db, MasterKey.load(data, Map.of()), data, Clock.systemUTC()).current().getKeyID();
        }
    }

    @Test
    void rotate_makes_a_new_current_key_and_retire_refuses_the_current_one_and_a_young_one_unless_forced() {
        Path data = dir.resolve("data");
        String first = currentKid(data);

        Cli.Result rotated = Cli.run("admin", "signing-keys", "rotate", "--data-dir", data.toString());
        assertThat(rotated.exitCode()).as(rotated.stderr()).isZero();
        String second = currentKid(data);
        assertThat(second).isNotEqualTo(first);
        assertThat(rotated.out()).contains(second);

        Cli.Result list = Cli.run("admin", "signing-keys", "list", "--data-dir", data.toString());
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.out().lines().toList()).hasSize(2);
        assertThat(list.out().lines().findFirst().orElseThrow()).startsWith(second).contains("current");

        Cli.Result current = Cli.run("admin", "signing-keys", "retire", second, "--data-dir", data.toString());
        assertThat(current.exitCode()).isEqualTo(2);
        assertThat(current.stderr()).contains("rotate first");
        Cli.Result young = Cli.run("admin", "signing-keys", "retire", first, "--data-dir", data.toString());
        assertThat(young.exitCode()).isEqualTo(2);
        assertThat(young.stderr()).contains("--force");

        Cli.Result forced = Cli.run("admin", "signing-keys", "retire", first, "--force", "--data-dir", data.toString());
        assertThat(forced.exitCode()).as(forced.stderr()).isZero();
        Cli.Result after = Cli.run("admin", "signing-keys", "list", "--data-dir", data.toString());
        assertThat(after.out().lines().toList()).hasSize(1).first().asString().startsWith(second);
    }
}
