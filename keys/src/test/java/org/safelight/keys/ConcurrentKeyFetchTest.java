package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.safelight.keys.KeyServerFixture.key;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.HoldingWork;
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

    @EachDatabase
    void fetches_of_different_reports_by_different_users_in_one_batch_each_get_their_own_report_and_key(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        int reports = 8;
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < reports; i++) {
                keys.add(server.post(key("batch-" + i), server.token("sender-" + i)).json().get("key").asText());
            }
            HoldingWork holding = holdWriter(server);
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < reports; i++) {
                HttpRequest fetch = server.request(key("batch-" + i), server.token("recipient-" + i)).GET().build();
                answers.add(http.sendAsync(fetch, HttpResponse.BodyHandlers.ofString()));
            }
            awaitWaiting(server, reports); // all queued behind the held commit: the next batch holds them all
            holding.release();

            for (int i = 0; i < reports; i++) {
                HttpResponse<String> answer = answers.get(i).get(30, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body())
                        .isEqualTo("{\"report_id\":\"batch-" + i + "\",\"key\":\"" + keys.get(i) + "\"}");
                assertThat(server.audit.eventsFor("batch-" + i, KeysRole.MAX_LISTED))
                        .filteredOn(e -> e.action().equals(AuditAction.KEY_FETCHED.code()))
                        .extracting(AuditEvent::actorUserId, AuditEvent::outcome)
                        .containsExactly(tuple("recipient-" + i, Outcome.GRANTED.code()));
            }
            assertThat(server.audit.verify().intact()).isTrue();
        }
    }

    @EachDatabase
    void a_fetch_waiting_for_its_audit_commit_is_ended_by_its_own_answer_not_by_the_servers_async_timer(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        AtomicLong timerOfTheFetch = new AtomicLong(-1);
        try (KeyServerFixture server = new KeyServerFixture(fresh.get(), config -> {
            config.http.asyncTimeout = 1; // a fetch under this timer would be ended almost at once
            config.routes.after(KeysRole.KEY, ctx -> {
                if (ctx.req().isAsyncStarted()) {
                    timerOfTheFetch.set(ctx.req().getAsyncContext().getTimeout());
                }
            });
        })) {
            String theKey = server.post(key(REPORT), server.token("sender")).json().get("key").asText();
            HoldingWork holding = holdWriter(server);
            HttpRequest fetch = server.request(key(REPORT), server.token("recipient")).GET().build();
            CompletableFuture<HttpResponse<String>> answer =
                    HttpClient.newHttpClient().sendAsync(fetch, HttpResponse.BodyHandlers.ofString());
            awaitWaiting(server, 1);
            holding.release();

            assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(answer.get().body()).contains(theKey);
            assertThat(timerOfTheFetch.get()).as("Jetty's async timeout of the suspended fetch").isZero();
        }
    }

    /** Holds the audit writer inside a first append until released: later appends queue. */
    private static HoldingWork holdWriter(KeyServerFixture server) throws InterruptedException {
        HoldingWork holding = new HoldingWork();
        server.audit.appendLater(new AuditEntry("holder", "holder@example.org", "held", AuditAction.KEY_FETCHED,
                Outcome.GRANTED, "127.0.0.1"), holding);
        holding.awaitHeld();
        return holding;
    }

    private static void awaitWaiting(KeyServerFixture server, int appends) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.audit.waiting() < appends) {
            assertThat(System.nanoTime() - deadline).as("%d appends queued for the audit", appends).isNegative();
            LockSupport.parkNanos(1_000_000);
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
