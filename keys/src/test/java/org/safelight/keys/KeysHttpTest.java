package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.safelight.keys.KeyServerFixture.accesses;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;

/** The key server's HTTP contract, through a real server and a real client. */
class KeysHttpTest {
    private static final String REPORT = "0000000011462800528240";

    private KeyServerFixture server;
    private String sender;
    private String recipient;

    @BeforeEach
    void start() throws IOException {
        server = new KeyServerFixture(TestDatabases.sqlite());
        sender = server.token("sender");
        recipient = server.token("recipient");
    }

    @AfterEach
    void stop() {
        assertThat(server.audit.verify()).isInstanceOf(AuditVerification.Intact.class);
        server.close();
    }

    private List<AuditEvent> events() {
        return server.audit.eventsFor(REPORT, 100);
    }

    private AuditEvent lastEvent() {
        List<AuditEvent> events = events();
        return events.get(events.size() - 1);
    }

    private String created() {
        Answer answer = server.post(key(REPORT), sender);
        assertThat(answer.status()).isEqualTo(201);
        return answer.json().get("key").asText();
    }

    @Test
    void a_sender_creates_a_key_once_and_gets_the_same_key_when_asking_again() {
        Answer first = server.post(key(REPORT), sender);
        Answer again = server.post(key(REPORT), sender);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("report_id").asText()).isEqualTo(REPORT);
        assertThat(first.json().get("key").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("key").asText()).isEqualTo(first.json().get("key").asText());
        assertThat(events()).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::actorEmail)
                .containsOnly(tuple("key_created", "granted", "sender@example.org"));
    }

    @Test
    void the_created_key_is_answered_201_then_200_with_the_exact_body_and_headers_of_a_fetch() {
        Answer first = server.post(key(REPORT), sender);
        Answer again = server.post(key(REPORT), sender);

        String body = "{\"report_id\":\"" + REPORT + "\",\"key\":\"" + first.json().get("key").asText() + "\"}";
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        for (Answer answer : List.of(first, again)) {
            assertThat(answer.body()).isEqualTo(body);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            assertThat(answer.headers().firstValue("Content-Length")).hasValue(Integer.toString(body.length()));
            assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void another_user_cannot_take_over_a_report_id_and_the_attempt_is_logged() {
        created();

        Answer taken = server.post(key(REPORT), server.token("mallory"));

        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.error()).isEqualTo("report_owned_by_another");
        assertThat(taken.body()).doesNotContain(server.keys.find(new ReportId(REPORT)).orElseThrow().key());
        assertThat(lastEvent().outcome()).isEqualTo("refused:report_owned_by_another");
    }

    @Test
    void a_malformed_report_id_is_refused_before_anything_else_and_not_logged() {
        for (String bad : List.of("has.dot", "x".repeat(65), "%C3%BC")) {
            Answer create = server.post(key(bad), sender);
            Answer fetch = server.get(key(bad), null);

            assertThat(create.status()).as(bad).isEqualTo(400);
            assertThat(create.error()).isEqualTo("invalid_report_id");
            assertThat(fetch.status()).isEqualTo(400);
        }
        assertThat(server.audit.verify()).isEqualTo(new AuditVerification.Intact(0, "0".repeat(64), 0));
    }

    @Test
    void creating_a_key_needs_a_valid_token_and_a_verified_email() {
        Answer anonymous = server.post(key(REPORT), null);
        Answer unverified = server.post(key(REPORT), server.tokens.token("u9", "new@example.org", false, ""));

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(unverified.status()).isEqualTo(403);
        assertThat(unverified.error()).isEqualTo("email_unverified");
        assertThat(server.keys.find(new ReportId(REPORT))).isEmpty();
        assertThat(events()).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
                tuple("key_created", "refused:unauthorized"),
                tuple("key_created", "refused:email_unverified"));
    }

    @Test
    void the_key_answer_is_sent_whole_after_the_after_handlers_whether_created_or_fetched() throws IOException {
        server.close();
        server = new KeyServerFixture(TestDatabases.sqlite(),
                config -> config.routes.after(ctx -> ctx.header("X-After", "ran")));
        sender = server.token("sender");
        recipient = server.token("recipient");

        Answer created = server.post(key(REPORT), sender);
        Answer fetched = server.get(key(REPORT), recipient);

        for (Answer answer : List.of(created, fetched)) {
            assertThat(answer.body()).isEqualTo("{\"report_id\":\"" + REPORT + "\",\"key\":\""
                    + created.json().get("key").asText() + "\"}");
            assertThat(answer.headers().firstValue("Content-Length"))
                    .hasValue(Integer.toString(answer.body().length()));
            assertThat(answer.headers().firstValue("X-After")).hasValue("ran");
        }
    }

    @Test
    void a_recipient_fetches_the_key_and_the_fetch_is_logged_with_who_and_from_where() {
        String key = created();

        Answer fetched = server.get(key(REPORT), recipient);

        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo("{\"report_id\":\"" + REPORT + "\",\"key\":\"" + key + "\"}");
        assertThat(fetched.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(fetched.headers().firstValue("Content-Length")).hasValue(Integer.toString(fetched.body().length()));
        assertThat(fetched.headers().firstValue("Cache-Control")).hasValue("no-store");
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("key_fetched");
        assertThat(event.outcome()).isEqualTo("granted");
        assertThat(event.actorUserId()).isEqualTo("recipient");
        assertThat(event.actorEmail()).isEqualTo("recipient@example.org");
        assertThat(event.remoteAddress()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1", "::1");
        assertThat(event.time()).isEqualTo(server.clock.instant());
    }

    @Test
    void fetching_without_a_valid_token_is_refused_and_logged_without_an_actor() {
        created();
        String foreign = TestTokens.forKeyServer(server.clock).token("x", "x@example.org");

        Answer none = server.get(key(REPORT), null);
        Answer forged = server.get(key(REPORT), foreign);

        assertThat(none.status()).isEqualTo(401);
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.error()).isEqualTo("invalid_token");
        assertThat(events().subList(1, 3)).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::actorUserId)
                .containsExactly(tuple("key_denied", "refused:unauthorized", ""),
                        tuple("key_denied", "refused:invalid_token", ""));
    }

    @Test
    void an_unverified_email_gets_no_key_and_the_refusal_is_logged() {
        created();

        Answer answer = server.get(key(REPORT), server.tokens.token("u9", "new@example.org", false, ""));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.error()).isEqualTo("email_unverified");
        assertThat(answer.json().has("key")).isFalse();
        assertThat(lastEvent().outcome()).isEqualTo("refused:email_unverified");
        assertThat(lastEvent().action()).isEqualTo("key_denied");
    }

    @Test
    void the_access_policy_lets_in_staff_only_and_an_edit_takes_effect_without_a_restart() throws IOException {
        created();
        server.policy("blacklist", "*\n");
        server.policy("whitelist", "*@myhospital.org\n");
        String outsider = server.tokens.token("out", "someone@gmail.com");

        Answer refused = server.get(key(REPORT), outsider);
        Answer staff = server.get(key(REPORT), server.tokens.token("nurse", "nurse@myhospital.org"));
        server.policy("whitelist", "*@myhospital.org\nsomeone@gmail.com\n");
        Answer afterEdit = server.get(key(REPORT), outsider);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("access_denied");
        assertThat(staff.status()).isEqualTo(200);
        assertThat(afterEdit.status()).isEqualTo(200);
        assertThat(events()).extracting(AuditEvent::actorEmail, AuditEvent::outcome).containsSubsequence(
                tuple("someone@gmail.com", "refused:access_denied"),
                tuple("nurse@myhospital.org", "granted"),
                tuple("someone@gmail.com", "granted"));
    }

    @Test
    void the_access_policy_also_decides_who_may_create_keys() throws IOException {
        server.policy("blacklist", "*@gmail.com\n");

        Answer answer = server.post(key(REPORT), server.tokens.token("out", "someone@gmail.com"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.error()).isEqualTo("access_denied");
        assertThat(server.keys.find(new ReportId(REPORT))).isEmpty();
    }

    @Test
    void an_unknown_report_is_404_and_logged() {
        Answer answer = server.get(key(REPORT), recipient);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.error()).isEqualTo("unknown_report");
        assertThat(lastEvent().outcome()).isEqualTo("refused:unknown_report");
    }

    @Test
    void fetching_a_revoked_key_is_refused_and_logged() {
        created();

        Answer revoked = server.post(revoke(REPORT), sender);
        Answer fetch = server.get(key(REPORT), recipient);
        Answer recreate = server.post(key(REPORT), sender);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("report_id").asText()).isEqualTo(REPORT);
        assertThat(revoked.json().get("revoked_at").asText()).isEqualTo(server.clock.instant().toString());
        assertThat(fetch.status()).isEqualTo(410);
        assertThat(fetch.error()).isEqualTo("report_revoked");
        assertThat(fetch.json().has("key")).isFalse();
        assertThat(recreate.status()).isEqualTo(410);
        assertThat(events()).extracting(AuditEvent::action, AuditEvent::outcome).containsSubsequence(
                tuple("report_revoked", "granted"),
                tuple("key_denied", "refused:report_revoked"),
                tuple("key_created", "refused:report_revoked"));
    }

    @Test
    void only_the_sender_can_revoke_a_report() {
        created();

        Answer byRecipient = server.post(revoke(REPORT), recipient);
        Answer unknown = server.post(revoke("no-such-report"), sender);
        Answer anonymous = server.post(revoke(REPORT), null);

        assertThat(byRecipient.status()).isEqualTo(403);
        assertThat(byRecipient.error()).isEqualTo("not_permitted");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(server.get(key(REPORT), recipient).status()).isEqualTo(200);
        assertThat(events()).extracting(AuditEvent::action, AuditEvent::outcome).contains(
                tuple("report_revoked", "refused:not_permitted"),
                tuple("report_revoked", "refused:unauthorized"));
    }

    @Test
    void the_access_log_is_shown_to_the_sender_and_to_those_given_the_key_only() {
        created();
        server.get(key(REPORT), recipient);

        Answer bySender = server.get(accesses(REPORT), sender);
        Answer byRecipient = server.get(accesses(REPORT), recipient);
        Answer byStranger = server.get(accesses(REPORT), server.token("stranger"));
        Answer unknown = server.get(accesses("no-such-report"), sender);

        assertThat(bySender.status()).isEqualTo(200);
        assertThat(bySender.json().get("report_id").asText()).isEqualTo(REPORT);
        assertThat(bySender.json().get("revoked_at").isNull()).isTrue();
        assertThat(bySender.json().get("accesses")).hasSize(3);
        assertThat(bySender.json().get("accesses").get(1).get("email").asText()).isEqualTo("recipient@example.org");
        assertThat(bySender.json().get("accesses").get(1).get("action").asText()).isEqualTo("key_fetched");
        assertThat(bySender.json().get("accesses").get(1).get("outcome").asText()).isEqualTo("granted");
        assertThat(bySender.json().get("accesses").get(1).get("time").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(bySender.json().get("accesses").get(2).get("action").asText()).isEqualTo("accesses_listed");
        assertThat(bySender.body()).doesNotContain("127.0.0.1");
        assertThat(byRecipient.status()).isEqualTo(200);
        assertThat(byStranger.status()).isEqualTo(403);
        assertThat(byStranger.error()).isEqualTo("not_permitted");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(lastEvent().outcome()).isEqualTo("refused:not_permitted");
    }

    @Test
    void too_many_requests_from_one_user_are_refused_with_retry_after() throws IOException {
        server.close();
        server = new KeyServerFixture(TestDatabases.sqlite(), 3);
        sender = server.token("sender");
        recipient = server.token("recipient");
        created();

        List<Integer> statuses = new ArrayList<>();
        Answer last = null;
        for (int i = 0; i < 4; i++) {
            last = server.get(key(REPORT), recipient);
            statuses.add(last.status());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertThat(last.error()).isEqualTo("rate_limited");
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(server.get(key(REPORT), server.token("someone-else")).status()).isEqualTo(200);
    }

    @Test
    void a_revocation_made_behind_this_servers_back_stops_the_key_and_is_recorded_only_as_a_refusal() {
        created();
        assertThat(server.get(key(REPORT), recipient).status()).isEqualTo(200);
        long before = lastEvent().seq();
        // Revoked by hand (or by a server that does not share this one's memory): memory still says open.
        server.keysDb.jdbi().useHandle(h -> h.execute("UPDATE report_keys SET revoked_at = 1 WHERE report_id = ?", REPORT));

        Answer fetched = server.get(key(REPORT), recipient);

        assertThat(fetched.status()).isEqualTo(410);
        assertThat(fetched.body()).doesNotContain("\"key\"");
        assertThat(server.audit.eventsFor(REPORT, 100)).filteredOn(e -> e.seq() > before)
                .extracting(e -> e.action() + " " + e.outcome()).containsExactly("key_denied refused:report_revoked");
    }
}
