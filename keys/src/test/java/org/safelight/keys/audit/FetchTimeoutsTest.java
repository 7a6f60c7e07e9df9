package org.safelight.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.safelight.server.http.ServerApp;

class FetchTimeoutsTest {
    /** Time for the audit's own timeout to answer 503 before the server's last bound would. */
    private static final long MARGIN_MILLIS = 2_000;

    @Test
    void the_servers_bound_on_suspended_requests_is_longer_than_the_audit_appends_by_a_margin() {
        assertThat(ServerApp.ASYNC_TIMEOUT_MILLIS).isGreaterThan(AuditLog.APPEND_TIMEOUT_SECONDS * 1000 + MARGIN_MILLIS);
    }
}
