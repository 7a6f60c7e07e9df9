package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * Key Server Tokens fetching keys, through a real server on both databases. The authority is a
 * table of live tokens here; the accounts role's own one is exercised end to end in the CLI tests.
 */
class EnterpriseKeyFetchTest {
    private static final String REPORT = "0000000011462800528240";
    private static final String OURS = "slkst_ours";
    private static final String THEIRS = "slkst_theirs";

    /** Tokens of two enterprises; can be switched off like an unreachable accounts role. */
    private static final class Authority implements EnterpriseAuthority {
        final AtomicBoolean down = new AtomicBoolean();
        final Map<String, String> live = Map.of(OURS, "ent-ours", THEIRS, "ent-theirs");

        @Override
        public Optional<String> enterpriseOf(Credential kind, String secret) {
            if (down.get()) {
                throw new EnterpriseAuthorityUnavailableException("down", null);
            }
            return kind == Credential.KEY_SERVER_TOKEN ? Optional.ofNullable(live.get(secret)) : Optional.empty();
        }
    }

    private final Authority authority = new Authority();

    private KeyServerFixture server(Supplier<Database> fresh) throws Exception {
        Database db = fresh.get();
        return new KeyServerFixture(db, db, 1000, authority);
    }

    private static String memberCreates(KeyServerFixture server, String enterprise) {
        Answer created = server.post(key(REPORT), server.tokens.token("member", "member@ours.example", true,
                enterprise));
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("key").asText();
    }

    private static AuditEvent last(KeyServerFixture server) {
        var events = server.audit.eventsFor(REPORT, 100);
        return events.get(events.size() - 1);
    }

    @EachDatabase
    void the_enterprise_of_the_reports_creator_gets_the_key_and_the_fetch_is_logged_as_the_enterprise(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = server(fresh)) {
            String key = memberCreates(server, "ent-ours");

            Answer fetched = server.get(key(REPORT), OURS);

            assertThat(fetched.status()).isEqualTo(200);
            assertThat(fetched.json().get("key").asText()).isEqualTo(key);
            assertThat(fetched.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(last(server)).extracting(AuditEvent::actorUserId, AuditEvent::actorEmail, AuditEvent::action,
                    AuditEvent::outcome).containsExactly("enterprise:ent-ours", "", "key_fetched", "granted");
            assertThat(server.keys.creatorEnterprise(new ReportId(REPORT))).hasValue("ent-ours");
            assertThat(server.audit.verify()).isInstanceOf(AuditVerification.Intact.class);
        }
    }

    @EachDatabase
    void another_enterprises_token_is_refused_and_the_refusal_is_logged(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (KeyServerFixture server = server(fresh)) {
            String key = memberCreates(server, "ent-ours");

            Answer refused = server.get(key(REPORT), THEIRS);

            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.error()).isEqualTo("access_denied");
            assertThat(refused.body()).doesNotContain(key);
            assertThat(last(server)).extracting(AuditEvent::actorUserId, AuditEvent::outcome)
                    .containsExactly("enterprise:ent-theirs", "refused:access_denied");
        }
    }

    @EachDatabase
    void a_report_made_outside_any_enterprise_is_refused_to_every_token(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (KeyServerFixture server = server(fresh)) {
            memberCreates(server, "");

            assertThat(server.get(key(REPORT), OURS).status()).isEqualTo(403);
            assertThat(server.keys.creatorEnterprise(new ReportId(REPORT))).hasValue("");
            assertThat(server.keys.creatorEnterprise(new ReportId("unknown"))).isEmpty();
        }
    }

    @EachDatabase
    void a_revoked_report_answers_gone_and_an_unknown_one_not_found(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (KeyServerFixture server = server(fresh)) {
            memberCreates(server, "ent-ours");
            assertThat(server.post(revoke(REPORT), server.tokens.token("member", "member@ours.example", true,
                    "ent-ours")).status()).isEqualTo(200);

            Answer gone = server.get(key(REPORT), OURS);
            Answer unknown = server.get(key("0000000011462800528241"), OURS);

            assertThat(gone.status()).isEqualTo(410);
            assertThat(gone.error()).isEqualTo("report_revoked");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(last(server)).extracting(AuditEvent::actorUserId, AuditEvent::outcome)
                    .containsExactly("enterprise:ent-ours", "refused:report_revoked");
        }
    }

    @EachDatabase
    void an_unknown_token_is_unauthorized_and_an_unreachable_authority_gives_no_key(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = server(fresh)) {
            String key = memberCreates(server, "ent-ours");

            Answer unknown = server.get(key(REPORT), "slkst_guessed");
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(last(server)).extracting(AuditEvent::actorUserId, AuditEvent::outcome)
                    .containsExactly("", "refused:unauthorized");

            authority.down.set(true);
            Answer unavailable = server.get(key(REPORT), OURS);
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.error()).isEqualTo("accounts_unavailable");
            assertThat(unavailable.body()).doesNotContain(key);
            assertThat(server.audit.eventsFor(REPORT, 100)).extracting(AuditEvent::action, AuditEvent::outcome)
                    .contains(tuple("key_denied", "refused:accounts_unavailable"))
                    .doesNotContain(tuple("key_fetched", "granted"));
        }
    }

    @EachDatabase
    void while_the_authority_cannot_answer_token_requests_are_rate_limited_per_address_before_they_are_logged(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        Database db = fresh.get();
        try (KeyServerFixture server = new KeyServerFixture(db, db, 3, authority)) {
            authority.down.set(true);
            int before = server.audit.eventsFor(REPORT, 100).size();

            for (int i = 0; i < 3; i++) {
                assertThat(server.get(key(REPORT), "slkst_flood" + i).status()).isEqualTo(503);
            }
            Answer limited = server.get(key(REPORT), "slkst_flood3");

            assertThat(limited.status()).isEqualTo(429);
            assertThat(server.audit.eventsFor(REPORT, 100)).as("a flood cannot fill the audit log")
                    .hasSize(before + 3);
        }
    }
}
