package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;
import static org.safelight.keys.KeyServerFixture.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * The public status of a report (a share link's page asks it before anyone signs in), and revoking
 * twice: one revocation, one event, the first time kept.
 */
class ReportStatusTest {
    private static final String REPORT = "r-status-1";

    private static List<String> events(KeyServerFixture server) {
        return server.audit.eventsFor(REPORT, 100).stream().map(e -> e.action() + " " + e.outcome()).toList();
    }

    @EachDatabase
    void anyone_without_a_token_learns_whether_a_report_is_revoked_and_nothing_is_audited(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            assertThat(server.post(key(REPORT), server.token("sender")).status()).isEqualTo(201);

            Answer open = server.get(status(REPORT), null);
            server.clock.advance(Duration.ofMinutes(3));
            Instant revokedAt = server.clock.instant();
            assertThat(server.post(revoke(REPORT), server.token("sender")).status()).isEqualTo(200);
            Answer revoked = server.get(status(REPORT), null);

            assertThat(open.status()).isEqualTo(200);
            assertThat(open.body()).isEqualTo("{\"report_id\":\"" + REPORT + "\",\"revoked\":false}");
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(revoked.json().get("report_id").asText()).isEqualTo(REPORT);
            assertThat(revoked.json().get("revoked").asBoolean()).isTrue();
            assertThat(revoked.json().get("revoked_at").asText()).isEqualTo(revokedAt.toString());
            assertThat(revoked.body()).doesNotContain("sender", server.keys.find(new ReportId(REPORT)).orElseThrow().key());
            assertThat(events(server)).containsExactly("key_created granted", "report_revoked granted");
        }
    }

    @EachDatabase
    void the_status_of_a_report_without_a_key_here_is_unknown_report_and_a_malformed_id_is_refused(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            Answer unknown = server.get(status("never-made"), null);
            Answer malformed = server.get(status("has.dot"), null);

            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.error()).isEqualTo("unknown_report");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.error()).isEqualTo("invalid_report_id");
            assertThat(server.audit.verify()).isEqualTo(new AuditVerification.Intact(0, "0".repeat(64), 0));
        }
    }

    @EachDatabase
    void a_trusted_web_origin_may_ask_for_the_status_from_a_browser_and_others_may_not(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            server.post(key(REPORT), server.token("sender"));

            Answer trusted = server.send(server.request(status(REPORT), null)
                    .header("Origin", KeyServerFixture.TRUSTED_ORIGIN).GET());
            Answer other = server.send(server.request(status(REPORT), null)
                    .header("Origin", "https://elsewhere.example").GET());
            Answer preflight = server.send(server.request(status(REPORT), null)
                    .header("Origin", KeyServerFixture.TRUSTED_ORIGIN)
                    .header("Access-Control-Request-Method", "GET")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));

            assertThat(trusted.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(KeyServerFixture.TRUSTED_ORIGIN);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(preflight.status()).isEqualTo(204);
        }
    }

    @EachDatabase
    void status_requests_are_limited_per_address(DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get(), 2)) {
            server.get(status(REPORT), null);
            server.get(status(REPORT), null);

            Answer third = server.get(status(REPORT), null);

            assertThat(third.status()).isEqualTo(429);
            assertThat(third.error()).isEqualTo("rate_limited");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @EachDatabase
    void revoking_twice_answers_already_revoked_with_the_first_time_and_logs_one_event(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            server.post(key(REPORT), server.token("sender"));
            Instant first = server.clock.instant();

            Answer once = server.post(revoke(REPORT), server.token("sender"));
            server.clock.advance(Duration.ofMinutes(2));
            Answer twice = server.post(revoke(REPORT), server.token("sender"));

            assertThat(once.status()).isEqualTo(200);
            assertThat(once.json().get("already_revoked").asBoolean()).isFalse();
            assertThat(once.json().get("revoked_at").asText()).isEqualTo(first.toString());
            assertThat(twice.status()).isEqualTo(200);
            assertThat(twice.json().get("already_revoked").asBoolean()).isTrue();
            assertThat(twice.json().get("revoked_at").asText()).isEqualTo(first.toString());
            assertThat(events(server)).containsExactly("key_created granted", "report_revoked granted");
            assertThat(server.audit.verify()).isInstanceOf(AuditVerification.Intact.class);
        }
    }

    @EachDatabase
    void revocations_racing_each_other_put_one_event_on_the_record_and_all_but_one_hear_already_revoked(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get());
             KeyServerFixture sibling = server.sibling()) {
            server.post(key(REPORT), server.token("sender"));
            sibling.get(key(REPORT), sibling.token("recipient")); // the sibling remembers it open
            int racers = 8;
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            List<Future<Answer>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < racers; i++) {
                    KeyServerFixture via = i % 2 == 0 ? server : sibling;
                    String token = via.token("sender");
                    answers.add(pool.submit((Callable<Answer>) () -> via.post(revoke(REPORT), token)));
                }
                int firsts = 0;
                for (Future<Answer> f : answers) {
                    Answer a = f.get();
                    assertThat(a.status()).isEqualTo(200);
                    firsts += a.json().get("already_revoked").asBoolean() ? 0 : 1;
                }
                assertThat(firsts).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(events(server)).filteredOn(e -> e.startsWith("report_revoked"))
                    .containsExactly("report_revoked granted");
            assertThat(server.audit.verify()).isInstanceOf(AuditVerification.Intact.class);
            assertThat(server.audit.eventsFor(REPORT, 100)).extracting(AuditEvent::seq).doesNotHaveDuplicates();
        }
    }
}
