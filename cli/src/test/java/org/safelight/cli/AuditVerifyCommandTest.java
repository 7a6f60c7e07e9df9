package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.keys.KeyServer;
import org.safelight.server.crypto.MasterKey;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.audit.Outcome;
import org.safelight.server.db.Database;

/** {@code safelight audit verify}: the head as an anchor, {@code --expect}, and the master key it needs. */
class AuditVerifyCommandTest {
    @TempDir
    Path dir;

    private void appendEvents(Path data, int n) {
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            db.migrate("keys");
            try (AuditLog log = new AuditLog(db, KeyServer.chainKey(db, MasterKey.load(data, Map.of())), Clock.systemUTC())) {
                for (int i = 0; i < n; i++) {
                    log.append(new AuditEntry("u" + i, "u" + i + "@example.org", "report-1", AuditAction.KEY_FETCHED,
                            Outcome.GRANTED, "192.0.2.1"));
                }
            }
        }
    }

    @Test
    void verify_prints_the_head_as_an_anchor_and_fails_with_3_once_the_history_before_it_is_rewritten()
            throws Exception {
        Path data = dir.resolve("data");
        appendEvents(data, 3);

        Cli.Result first = Cli.run("audit", "verify", "--data-dir", data.toString());
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.out()).startsWith("OK: 3 events, head 3:");
        String anchor = first.out().strip().replaceFirst(".*head ", "");
        assertThat(anchor).matches("3:[0-9a-f]{64}");

        appendEvents(data, 2);
        Cli.Result later = Cli.run("audit", "verify", "--data-dir", data.toString(), "--expect", anchor);
        assertThat(later.exitCode()).as(later.stderr()).isZero();
        assertThat(later.out()).startsWith("OK: 5 events");

        Cli.Result wrong = Cli.run("audit", "verify", "--data-dir", data.toString(), "--expect",
                "2:" + "0".repeat(64));
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(wrong.errLines()).hasSize(1).first().asString().contains("event 2 is not the anchor");

        Cli.Result malformed = Cli.run("audit", "verify", "--data-dir", data.toString(), "--expect", "three");
        assertThat(malformed.exitCode()).isEqualTo(2);
    }

    @Test
    void without_the_master_key_verify_stops_and_says_so_rather_than_making_a_new_one() throws Exception {
        Path data = dir.resolve("data");
        appendEvents(data, 1);
        // The database copied to another folder, without the master key beside it.
        Path elsewhere = Files.createDirectories(dir.resolve("copy"));
        try (Database db = Database.open(Database.sqliteUrl(data))) {
            db.jdbi().useHandle(h -> h.execute("VACUUM INTO ?", elsewhere.resolve("safelight.db").toString()));
        }

        Cli.Result noKey = Cli.run("audit", "verify", "--data-dir", elsewhere.toString());

        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.stderr()).contains("master key");
        assertThat(elsewhere.resolve(MasterKey.FILE_NAME)).doesNotExist();
    }
}
