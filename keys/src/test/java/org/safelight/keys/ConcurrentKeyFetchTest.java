package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.Outcome;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * Key fetches answered once their audit events are durable, many at a time (group commit, answered
 * off the request thread): each key sent has its own granted event, the chain stays intact, and a
 * batch that cannot be committed sends no key at all.
 */
class ConcurrentKeyFetchTest {
    private static final String REPORT = "0000000011462800528240";
    private static final int CLIENTS = 16;
    private static final int FETCHES_EACH = 20;

    @EachDatabase
    void many_concurrent_fetches_each_get_their_own_granted_event_and_the_chain_verifies(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            String theKey = server.post(key(REPORT), server.token("sender")).json().get("key").asText();

            List<Answer> answers = fetchConcurrently(server);

            assertThat(answers).hasSize(CLIENTS * FETCHES_EACH);
            for (Answer answer : answers) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.json().get("key").asText()).isEqualTo(theKey);
            }
            List<AuditEvent> events = server.audit.eventsFor(REPORT, KeysRole.MAX_LISTED);
            long granted = events.stream().filter(e -> e.action().equals(AuditAction.KEY_FETCHED.code())
                    && e.outcome().equals(Outcome.GRANTED.code())).count();
            assertThat(granted).isEqualTo(CLIENTS * FETCHES_EACH);
            assertThat(server.audit.verify().intact()).isTrue();
            assertThat(server.audit.verify().describe()).startsWith("OK: " + (1 + CLIENTS * FETCHES_EACH) + " events");
        }
    }

    @EachDatabase
    void when_the_commit_of_a_batch_fails_no_fetch_waiting_on_it_gets_a_key_and_later_fetches_work_again(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            String theKey = server.post(key(REPORT), server.token("sender")).json().get("key").asText();
            assertThat(server.get(key(REPORT), server.token("recipient")).status()).isEqualTo(200);
            server.keysDb.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_events RENAME TO audit_events_away"));

            List<Answer> refused = fetchConcurrently(server);

            for (Answer answer : refused) {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.error()).isEqualTo("audit_unavailable");
                assertThat(answer.body()).doesNotContain(theKey);
            }
            server.keysDb.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_events_away RENAME TO audit_events"));
            Answer after = server.get(key(REPORT), server.token("recipient"));
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.json().get("key").asText()).isEqualTo(theKey);
            assertThat(server.audit.verify().describe()).startsWith("OK: 3 events");
        }
    }

    /** {@link #CLIENTS} threads, each fetching {@link #FETCHES_EACH} times as a different recipient. */
    private static List<Answer> fetchConcurrently(KeyServerFixture server) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Callable<List<Answer>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String token = server.token("recipient-" + c);
                clients.add(() -> {
                    List<Answer> mine = new ArrayList<>();
                    for (int i = 0; i < FETCHES_EACH; i++) {
                        mine.add(server.get(key(REPORT), token));
                    }
                    return mine;
                });
            }
            List<Answer> all = new ArrayList<>();
            for (Future<List<Answer>> client : pool.invokeAll(clients)) {
                all.addAll(client.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
