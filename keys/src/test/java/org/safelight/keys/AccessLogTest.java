package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.accesses;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** Who sees a report's access log, what it holds after a revocation, and what a storage failure answers. */
class AccessLogTest {
    private static final String REPORT = "r-access-log";

    private static List<String> actors(Answer log) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : log.json().get("accesses")) {
            out.add(a.get("user_id").asText() + " " + a.get("action").asText());
        }
        return out;
    }

    @EachDatabase
    void the_sender_sees_every_entry_and_anyone_else_who_fetched_the_key_only_their_own(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            assertThat(server.post(key(REPORT), server.token("sender")).status()).isEqualTo(201);
            assertThat(server.get(key(REPORT), server.token("alice")).status()).isEqualTo(200);
            assertThat(server.get(key(REPORT), server.token("bob")).status()).isEqualTo(200);

            Answer sender = server.get(accesses(REPORT), server.token("sender"));
            Answer alice = server.get(accesses(REPORT), server.token("alice"));
            Answer stranger = server.get(accesses(REPORT), server.token("stranger"));

            assertThat(sender.json().get("scope").asText()).isEqualTo("all");
            assertThat(actors(sender)).containsExactly("sender key_created", "alice key_fetched", "bob key_fetched",
                    "sender accesses_listed");
            assertThat(alice.status()).isEqualTo(200);
            assertThat(alice.json().get("scope").asText()).isEqualTo("own");
            assertThat(actors(alice)).as("alice sees neither the sender nor bob")
                    .containsExactly("alice key_fetched", "alice accesses_listed");
            assertThat(alice.body()).doesNotContain("bob@example.org", "sender@example.org");
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.error()).isEqualTo("not_permitted");
        }
    }

    @EachDatabase
    void the_admin_of_the_senders_enterprise_sees_every_entry_and_another_member_does_not(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        EnterpriseAdmins admins = (enterprise, user) -> enterprise.equals("ent-1") && user.userId().equals("boss");
        try (KeyServerFixture server = new KeyServerFixture(fresh.get(), admins)) {
            assertThat(server.post(key(REPORT), server.tokens.token("sender", "sender@ours.example", true, "ent-1"))
                    .status()).isEqualTo(201);
            assertThat(server.get(key(REPORT), server.token("alice")).status()).isEqualTo(200);

            Answer boss = server.get(accesses(REPORT), server.tokens.token("boss", "boss@ours.example", true, "ent-1"));
            Answer member = server.get(accesses(REPORT), server.tokens.token("member", "m@ours.example", true, "ent-1"));
            Answer otherBoss = server.get(accesses(REPORT), server.tokens.token("boss", "boss@ours.example", true,
                    "ent-2"));

            assertThat(boss.status()).isEqualTo(200);
            assertThat(actors(boss)).containsExactly("sender key_created", "alice key_fetched", "boss accesses_listed");
            assertThat(member.status()).as("a member who is not the admin").isEqualTo(403);
            assertThat(otherBoss.status()).as("the admin of another enterprise").isEqualTo(403);
        }
    }

    @EachDatabase
    void a_grant_slipped_into_the_table_past_the_head_does_not_open_the_access_log(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            assertThat(server.post(key(REPORT), server.token("sender")).status()).isEqualTo(201);
            server.keysDb.jdbi().useHandle(h -> h.execute("INSERT INTO audit_events (seq, occurred_at, actor_user_id,"
                    + " actor_email, report_id, action, outcome, remote_address, hash) VALUES ("
                    + "1000, 1, 'mallory', 'mallory@example.org', ?,"
                    + " 'key_fetched', 'granted', '', ?)", REPORT, "ab".repeat(32)));

            Answer mallory = server.get(accesses(REPORT), server.token("mallory"));
            Answer sender = server.get(accesses(REPORT), server.token("sender"));

            assertThat(mallory.status()).isEqualTo(403);
            assertThat(actors(sender)).as("the sender sees mallory's refusal, not the forged grant")
                    .containsExactly("sender key_created", "mallory accesses_listed", "sender accesses_listed");
            assertThat(server.audit.verify().describe()).contains("lies beyond the head");
        }
    }

    @EachDatabase
    void a_fetch_refused_for_a_revocation_made_by_another_server_is_not_on_the_record_as_granted(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture first = new KeyServerFixture(fresh.get()); KeyServerFixture second = first.sibling()) {
            assertThat(first.post(key(REPORT), first.token("sender")).status()).isEqualTo(201);
            // The first server now remembers the report as open.
            assertThat(first.get(key(REPORT), first.token("alice")).status()).isEqualTo(200);

            assertThat(second.post(revoke(REPORT), second.token("sender")).status()).isEqualTo(200);
            Answer afterRevocation = first.get(key(REPORT), first.token("alice"));

            assertThat(afterRevocation.status()).isEqualTo(410);
            assertThat(afterRevocation.error()).isEqualTo("report_revoked");
            List<AuditEvent> log = first.audit.eventsFor(REPORT, 100);
            long revokedAt = log.stream().filter(e -> e.action().equals("report_revoked")).findFirst().orElseThrow().seq();
            assertThat(log).filteredOn(e -> e.seq() > revokedAt)
                    .extracting(e -> e.action() + " " + e.outcome())
                    .containsExactly("key_denied refused:report_revoked");
            assertThat(first.audit.verify().intact()).isTrue();
        }
    }

    @EachDatabase
    void when_the_disk_is_full_while_a_key_is_stored_creating_it_answers_503_and_no_key(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            // The write of key material fails as a full disk makes it fail (SQLITE_FULL / PostgreSQL 53100).
            server.keysDb.jdbi().useHandle(h -> {
                if (engine == DatabaseEngine.SQLITE) {
                    h.execute("CREATE TRIGGER disk_full BEFORE INSERT ON report_keys"
                            + " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
                } else {
                    h.execute("CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS"
                            + " $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$");
                    h.execute("CREATE TRIGGER disk_full BEFORE INSERT ON report_keys"
                            + " FOR EACH ROW EXECUTE FUNCTION disk_full()");
                }
            });

            Answer create = server.post(key(REPORT), server.token("sender"));

            assertThat(create.status()).isEqualTo(503);
            assertThat(create.error()).isEqualTo("storage_unavailable");
            assertThat(create.json().has("key")).isFalse();
        }
    }
}
