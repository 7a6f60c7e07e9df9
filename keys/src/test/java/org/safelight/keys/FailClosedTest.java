package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;

import java.io.IOException;
import java.util.function.Supplier;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** No key leaves the server unless its hand-out is in the audit log first. */
class FailClosedTest {
    private static final String REPORT = "0000000011462800528240";

    @EachDatabase
    void when_the_audit_table_is_gone_a_fetch_gets_503_and_no_key(DatabaseEngine engine, Supplier<Database> fresh)
            throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            Answer created = server.post(key(REPORT), server.token("sender"));
            String theKey = created.json().get("key").asText();
            server.keysDb.jdbi().useHandle(h -> h.execute("DROP TABLE audit_events"));

            Answer fetch = server.get(key(REPORT), server.token("recipient"));
            Answer again = server.post(key(REPORT), server.token("sender"));
            Answer refusal = server.get(key(REPORT), server.tokens.token("u9", "new@example.org", false, ""));

            assertThat(created.status()).isEqualTo(201);
            for (Answer answer : new Answer[] {fetch, again, refusal}) {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.error()).isEqualTo("audit_unavailable");
                assertThat(answer.json().has("key")).isFalse();
                assertThat(answer.body()).doesNotContain(theKey);
            }
        }
    }

    @EachDatabase
    void when_the_audit_database_is_closed_no_key_is_created_fetched_or_revoked(DatabaseEngine engine,
            Supplier<Database> fresh) throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get(), fresh.get(), 1000)) {
            String theKey = server.post(key(REPORT), server.token("sender")).json().get("key").asText();
            server.auditDb.close();

            Answer fetch = server.get(key(REPORT), server.token("recipient"));
            Answer create = server.post(key("another-report"), server.token("sender"));
            Answer revoked = server.post(revoke(REPORT), server.token("sender"));

            assertThat(fetch.status()).isEqualTo(503);
            assertThat(fetch.body()).doesNotContain(theKey);
            assertThat(create.status()).isEqualTo(503);
            assertThat(create.json().has("key")).isFalse();
            assertThat(revoked.status()).isEqualTo(503);
            assertThat(server.keys.find(new ReportId(REPORT)).orElseThrow().revoked())
                    .as("a revocation that could not be logged did not happen").isFalse();
        }
    }
}
