package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.keys.KeyServerFixture.key;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.keys.audit.AuditUnavailableException;
import org.safelight.keys.audit.AuditVerification;
import org.safelight.server.db.Database;
import org.safelight.server.role.ReadinessCheck;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.TestDatabases;

/** The keys role's readiness check "audit": the log can take an append now; checking adds nothing to it. */
class AuditReadinessTest {
    private static final String REPORT = "0000000011462800528240";

    @EachDatabase
    void a_working_log_is_ready_and_checking_it_adds_no_event_and_leaves_the_chain_intact(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(fresh.get())) {
            server.post(key(REPORT), server.token("sender"));
            server.get(key(REPORT), server.token("recipient"));
            long rows = rows(server);

            for (int i = 0; i < 3; i++) {
                server.audit.checkWritable();
            }

            assertThat(rows(server)).isEqualTo(rows).isEqualTo(2);
            assertThat(server.audit.verify()).isInstanceOf(AuditVerification.Intact.class);
            assertThat(server.get(key(REPORT), server.token("recipient")).status())
                    .as("appends after a check are numbered on as before").isEqualTo(200);
            assertThat(server.audit.verify()).isInstanceOf(AuditVerification.Intact.class);
        }
    }

    @EachDatabase
    void the_check_fails_when_the_audit_table_is_gone_or_the_database_is_closed(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (KeyServerFixture dropped = new KeyServerFixture(fresh.get());
             KeyServerFixture closed = new KeyServerFixture(fresh.get(), fresh.get(), 1000)) {
            dropped.post(key(REPORT), dropped.token("sender"));
            dropped.keysDb.jdbi().useHandle(h -> h.execute("DROP TABLE audit_events"));
            closed.auditDb.close();

            assertThatThrownBy(dropped.audit::checkWritable).isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("cannot be read");
            assertThatThrownBy(closed.audit::checkWritable).isInstanceOf(AuditUnavailableException.class);
        }
    }

    @Test
    void the_check_fails_when_the_head_names_an_event_that_is_not_there() throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            server.post(key(REPORT), server.token("sender"));
            server.keysDb.jdbi().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq = 1"));

            assertThatThrownBy(server.audit::checkWritable).isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("names event 1, which is missing");
        }
    }

    @Test
    void the_check_fails_once_the_log_is_closed() throws Exception {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            server.post(key(REPORT), server.token("sender"));
            server.audit.close();

            assertThatThrownBy(server.audit::checkWritable).isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("writer has stopped");
        }
    }

    @Test
    void the_keys_wiring_registers_the_check_as_audit_and_its_meters_on_the_contexts_registry(@TempDir Path dir)
            throws Exception {
        Database db = TestDatabases.sqlite();
        RoleContext context = new RoleContext(db, Files.createDirectories(dir.resolve("data")), Clock.systemUTC(),
                URI.create("http://localhost:1"), URI.create("http://localhost:2"), Set.of(RoleName.KEYS));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        context.useMetrics(metrics);
        try {
            new KeysWiring(KeysSettings.DEFAULTS).build(context);
            ReadinessCheck audit = context.readinessChecks().get("audit");

            assertThat(audit).isNotNull();
            assertThatCode(audit::check).doesNotThrowAnyException();
            assertThat(metrics.find("safelight.key.fetches").counters()).isNotEmpty();
            assertThat(metrics.find("safelight.audit.commit").timer()).isNotNull();
            db.close();
            assertThatThrownBy(audit::check).isInstanceOf(AuditUnavailableException.class);
        } finally {
            context.closeResources();
            db.close();
        }
    }

    private static long rows(KeyServerFixture server) {
        return server.auditDb.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_events")
                .mapTo(Long.class).one());
    }
}
