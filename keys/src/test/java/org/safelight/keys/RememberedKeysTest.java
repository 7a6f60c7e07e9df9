package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * Keys the server remembers from earlier fetches never outlive a revocation or a policy edit, on
 * SQLite and on PostgreSQL.
 */
class RememberedKeysTest {
    private static final String REPORT = "0000000011462800528240";

    private static List<AuditEvent> events(KeyServerFixture server) {
        return server.audit.eventsFor(REPORT, 100);
    }

    @EachDatabase
    void a_key_fetched_before_is_refused_at_once_after_its_sender_revokes_it(DatabaseEngine engine, Supplier<Database> fresh)
            throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            String sender = server.token("sender");
            String recipient = server.token("recipient");
            String theKey = server.post(key(REPORT), sender).json().get("key").asText();
            Answer before = server.get(key(REPORT), recipient);

            Answer revoked = server.post(revoke(REPORT), sender);
            Answer after = server.get(key(REPORT), recipient);

            assertThat(before.status()).isEqualTo(200);
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(after.status()).isEqualTo(410);
            assertThat(after.body()).doesNotContain(theKey);
            assertThat(events(server)).extracting(AuditEvent::action, AuditEvent::outcome).endsWith(
                    tuple("report_revoked", "granted"),
                    tuple("key_denied", "refused:report_revoked"));
        }
    }

    @EachDatabase
    void a_report_revoked_behind_the_servers_back_gives_no_key_and_is_then_refused_before_any_grant(DatabaseEngine engine,
            Supplier<Database> fresh) throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            String recipient = server.token("recipient");
            String theKey = server.post(key(REPORT), server.token("sender")).json().get("key").asText();
            assertThat(server.get(key(REPORT), recipient).status()).isEqualTo(200);

            // As another server process on the same database, or an operator, would revoke it.
            server.keysDb.jdbi().useHandle(h -> h.execute(
                    "UPDATE report_keys SET revoked_at = 1 WHERE report_id = ?", REPORT));
            Answer first = server.get(key(REPORT), recipient);
            Answer second = server.get(key(REPORT), recipient);

            for (Answer answer : List.of(first, second)) {
                assertThat(answer.status()).isEqualTo(410);
                assertThat(answer.error()).isEqualTo("report_revoked");
                assertThat(answer.body()).doesNotContain(theKey);
            }
            // The first fetch still believed the report open, so its grant was recorded and then
            // withdrawn by the check in the database; the second knew better before recording anything.
            assertThat(events(server)).extracting(AuditEvent::action, AuditEvent::outcome).endsWith(
                    tuple("key_fetched", "granted"),
                    tuple("key_denied", "refused:report_revoked"),
                    tuple("key_denied", "refused:report_revoked"));
        }
    }

    @EachDatabase
    void a_policy_edit_refuses_a_recipient_whose_key_was_fetched_before(DatabaseEngine engine, Supplier<Database> fresh)
            throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            String recipient = server.token("recipient");
            String theKey = server.post(key(REPORT), server.token("sender")).json().get("key").asText();
            Answer before = server.get(key(REPORT), recipient);

            server.policy("blacklist", "recipient@example.org\n");
            Answer after = server.get(key(REPORT), recipient);

            assertThat(before.status()).isEqualTo(200);
            assertThat(after.status()).isEqualTo(403);
            assertThat(after.error()).isEqualTo("access_denied");
            assertThat(after.body()).doesNotContain(theKey);
        }
    }
}
