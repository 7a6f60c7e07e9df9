package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.keys.audit.ChainHash;
import org.safelight.keys.audit.Outcome;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.TestTokens;

class KeyServerTest {
    @TempDir
    Path dataDir;

    @Test
    void a_key_server_opened_on_a_data_folder_migrates_serves_keys_and_logs_them() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        TestTokens tokens = TestTokens.forKeyServer(clock);
        try (Database db = Database.open(Database.sqliteUrl(dataDir));
             KeyServer keyServer = KeyServer.open(db, dataDir, tokens.verifier(), List.of(), clock)) {
            Javalin app = ServerApp.create(List.of(keyServer.role()), c -> { }).start(0);
            try {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + app.port() + "/api/v1/reports/r1/key"))
                        .header("Authorization", "Bearer " + tokens.token("u1", "u1@example.org"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(answer.statusCode()).isEqualTo(201);
                assertThat(keyServer.role().name()).isEqualTo("keys");
                assertThat(keyServer.auditLog().verify()).isInstanceOfSatisfying(AuditVerification.Intact.class,
                        ok -> assertThat(ok.events()).isEqualTo(1));
            } finally {
                app.stop();
            }
        }
    }

    @Test
    void an_upgraded_chain_verifies_and_a_later_restart_does_not_vouch_for_a_raised_keyed_from() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        TestTokens tokens = TestTokens.forKeyServer(clock);
        try (Database db = Database.open(Database.sqliteUrl(dataDir))) {
            // The database as the previous version left it: schema version 2, three SHA-256-linked events.
            Flyway.configure(Database.class.getClassLoader()).dataSource(db.dataSource())
                    .locations("classpath:db/migration/keys").table("flyway_history_keys")
                    .baselineOnMigrate(true).baselineVersion("0").target("2").load().migrate();
            String legacyHead = relinkBySha256(db, List.of(
                    event(1, "u1", "granted"), event(2, "u2", "granted"), event(3, "u3", "granted")));
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET last_seq = 3, last_hash = ?", legacyHead));

            try (KeyServer keyServer = KeyServer.open(db, dataDir, tokens.verifier(), List.of(), clock)) {
                assertThat(keyServer.auditLog().verify()).isEqualTo(new AuditVerification.Intact(3, legacyHead, 3));
                keyServer.auditLog().append(new AuditEntry("u4", "u4@example.org", "report-1",
                        AuditAction.KEY_FETCHED, Outcome.refused("access_denied"), "192.0.2.1"));
                assertThat(keyServer.auditLog().verify().intact()).isTrue();
            }
            Path marker = dataDir.resolve(KeyServer.AUDIT_BOUNDARY_FILE);
            assertThat(Files.getPosixFilePermissions(marker)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            // Whoever can write the database: turn the keyed event 4 into a grant, relink all four by SHA-256,
            // raise keyed_from to the head, remove its MAC, and wait for the server to start again.
            List<AuditEvent> forged = List.of(event(1, "u1", "granted"), event(2, "u2", "granted"),
                    event(3, "u3", "granted"), event(4, "u4", "granted"));
            String forgedHead = relinkBySha256(db, forged);
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = 4, keyed_from_mac = NULL,"
                    + " last_hash = ?", forgedHead));

            try (KeyServer keyServer = KeyServer.open(db, dataDir, tokens.verifier(), List.of(), clock)) {
                assertThat(keyServer.auditLog().verify().describe())
                        .isEqualTo("BROKEN: the head's keyed_from is not authenticated by the chain key (removed?)");
            }
        }
    }

    private static AuditEvent event(long seq, String user, String outcome) {
        return new AuditEvent(seq, Instant.ofEpochMilli(1000 * seq), user, user + "@example.org", "report-1",
                "key_fetched", outcome, "192.0.2.1", "");
    }

    /** Writes the events (inserted or replaced) linked by plain SHA-256 from the start; returns the last hash. */
    private static String relinkBySha256(Database db, List<AuditEvent> events) {
        String previous = ChainHash.GENESIS;
        for (AuditEvent e : events) {
            previous = ChainHash.next(previous, e);
            String hash = previous;
            db.jdbi().useHandle(h -> {
                h.execute("DELETE FROM audit_events WHERE seq = ?", e.seq());
                h.execute("INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_email, report_id, action,"
                        + " outcome, remote_address, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", e.seq(),
                        e.time().toEpochMilli(), e.actorUserId(), e.actorEmail(), e.reportId(), e.action(), e.outcome(),
                        e.remoteAddress(), hash);
            });
        }
        return previous;
    }
}
