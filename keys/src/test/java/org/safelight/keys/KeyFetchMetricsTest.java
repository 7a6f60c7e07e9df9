package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;
import static org.safelight.keys.KeyServerFixture.revoke;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.safelight.keys.audit.AuditLog;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.testing.TestDatabases;

/** {@code safelight_key_fetches_total} and {@code safelight_audit_commit_seconds}, through a real key server. */
class KeyFetchMetricsTest {
    private static final String REPORT = "0000000011462800528240";

    static double fetches(MeterRegistry metrics, String outcome, String reason) {
        var counter = metrics.find(KeyFetchMeter.NAME).tag("outcome", outcome).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    static double refusedInAll(MeterRegistry metrics) {
        return metrics.find(KeyFetchMeter.NAME).tag("outcome", "refused").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void a_granted_fetch_and_a_fetch_of_a_revoked_report_move_their_own_counters() throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            server.post(key(REPORT), server.token("sender"));

            assertThat(server.get(key(REPORT), server.token("recipient")).status()).isEqualTo(200);
            assertThat(fetches(server.metrics, "granted", "none")).isEqualTo(1);
            assertThat(refusedInAll(server.metrics)).isZero();

            server.post(revoke(REPORT), server.token("sender"));
            assertThat(server.get(key(REPORT), server.token("recipient")).status()).isEqualTo(410);

            assertThat(fetches(server.metrics, "granted", "none")).isEqualTo(1);
            assertThat(fetches(server.metrics, "refused", "report_revoked")).isEqualTo(1);
            assertThat(refusedInAll(server.metrics)).isEqualTo(1);
        }
    }

    @Test
    void refusals_before_any_key_is_looked_at_count_with_their_error_code() throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            server.post(key(REPORT), server.token("sender"));
            server.policy("blacklist", "*\n");

            server.get(key(REPORT), server.token("recipient"));
            server.get(key(REPORT), null);
            server.get(key("not.a.report.id"), server.token("recipient"));
            server.get(key("0000000000000000000001"), server.tokens.token("u9", "new@example.org", false, ""));

            assertThat(fetches(server.metrics, "refused", "access_denied")).isEqualTo(1);
            assertThat(fetches(server.metrics, "refused", "unauthorized")).isEqualTo(1);
            assertThat(fetches(server.metrics, "refused", "invalid_report_id")).isEqualTo(1);
            assertThat(fetches(server.metrics, "refused", "email_unverified")).isEqualTo(1);
            assertThat(fetches(server.metrics, "granted", "none")).isZero();
        }
    }

    @Test
    void a_key_server_token_fetch_is_counted_like_a_users() throws Exception {
        EnterpriseAuthority authority = (kind, secret) -> kind == EnterpriseAuthority.Credential.KEY_SERVER_TOKEN
                ? Optional.ofNullable(Map.of("slkst_ours", "ent-ours").get(secret)) : Optional.empty();
        var db = TestDatabases.sqlite();
        try (KeyServerFixture server = new KeyServerFixture(db, db, 1000, authority)) {
            server.post(key(REPORT), server.tokens.token("member", "member@ours.example", true, "ent-ours"));

            assertThat(server.get(key(REPORT), "slkst_ours").status()).isEqualTo(200);
            assertThat(server.get(key(REPORT), "slkst_unknown").status()).isEqualTo(401);
            assertThat(server.get(key("0000000000000000000002"), "slkst_ours").status()).isEqualTo(404);

            assertThat(fetches(server.metrics, "granted", "none")).isEqualTo(1);
            assertThat(fetches(server.metrics, "refused", "unauthorized")).isEqualTo(1);
            assertThat(fetches(server.metrics, "refused", "unknown_report")).isEqualTo(1);
        }
    }

    @Test
    void when_the_audit_append_fails_the_fetch_counts_as_refused_for_the_audit_and_never_as_granted()
            throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            server.post(key(REPORT), server.token("sender"));
            server.keysDb.jdbi().useHandle(h -> h.execute("DROP TABLE audit_events"));

            assertThat(server.get(key(REPORT), server.token("recipient")).status()).isEqualTo(503);

            assertThat(fetches(server.metrics, "granted", "none")).isZero();
            assertThat(fetches(server.metrics, "refused", "audit_unavailable")).isEqualTo(1);
            Timer commits = server.metrics.find(AuditLog.COMMIT_TIMER).timer();
            assertThat(commits).isNotNull();
            assertThat(commits.count()).as("the creation's append and the failed fetch's").isEqualTo(2);
        }
    }

    @Test
    void the_expected_refusals_are_registered_at_zero_before_any_fetch() throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            assertThat(server.metrics.find(KeyFetchMeter.NAME).tag("reason", "audit_unavailable").counter())
                    .isNotNull().extracting(c -> c.count()).isEqualTo(0.0);
            assertThat(server.metrics.find(KeyFetchMeter.NAME).tag("outcome", "granted").counter()).isNotNull();
        }
    }
}
