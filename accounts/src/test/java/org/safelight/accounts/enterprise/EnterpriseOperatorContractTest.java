package org.safelight.accounts.enterprise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.AccountsRole;
import org.safelight.accounts.uploads.UploadEntry;
import org.safelight.accounts.uploads.UploadLog;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/** What the operator does to an enterprise after creating it: update, warnings, attaching recent reports. */
class EnterpriseOperatorContractTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    private static void user(Jdbi jdbi, String id, String email, boolean verified) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO users (id, number, email, password_hash, first_name, last_name,"
                        + " title, country, email_verified, created_at) VALUES (:id, :n, :e, 'x', 'F', 'L', '', 'AU',"
                        + " :v, 0)")
                .bind("id", id).bind("n", Math.abs(id.hashCode())).bind("e", email).bind("v", verified ? 1 : 0)
                .execute());
    }

    private void upload(UploadLog log, String report, String userId, String email, Instant at) {
        log.record(new UploadEntry(report, "AU", "r" + report, "https://s/app/report/AU/r" + report, "https://s/d/" + report,
                userId, email, "Dr X", "", 10, at, at.plus(Duration.ofDays(7)), null));
    }

    @EachDatabase
    void an_update_changes_what_is_given_and_replaces_the_lists(Database db) {
        db.migrate(AccountsRole.NAME);
        Enterprises enterprises = new Enterprises(db.jdbi(), clock);
        String id = enterprises.create("Hospital", "it@hospital.org", List.of("hospital.org"), List.of("a@gmail.com"));
        String other = enterprises.create("Clinic", "it@clinic.org", List.of("clinic.org"), List.of("b@gmail.com"));

        Enterprise renamed = enterprises.update(id, "St Elsewhere", null, null, null);
        assertThat(renamed.name()).isEqualTo("St Elsewhere");
        assertThat(renamed.domains()).containsExactly("hospital.org");
        Enterprise changed = enterprises.update(id, null, "Boss@Hospital.org", List.of("hospital.org",
                "ward.hospital.org"), List.of());
        assertThat(changed.adminEmail()).isEqualTo("boss@hospital.org");
        assertThat(changed.domains()).containsExactly("hospital.org", "ward.hospital.org");
        assertThat(changed.members()).isEmpty();
        assertThat(enterprises.membershipOf("a@gmail.com", true)).isEmpty();
        assertThat(enterprises.membershipOf("dr@ward.hospital.org", true).orElseThrow().enterpriseId()).isEqualTo(id);

        assertThatThrownBy(() -> enterprises.update(id, null, null, List.of("clinic.org"), null))
                .hasMessageContaining("clinic.org already belongs to another enterprise");
        assertThatThrownBy(() -> enterprises.update(id, null, null, null, List.of("b@gmail.com")))
                .hasMessageContaining("b@gmail.com");
        assertThatThrownBy(() -> enterprises.update(id, null, "it@clinic.org", null, null))
                .hasMessageContaining("already administers another enterprise");
        assertThatThrownBy(() -> enterprises.update("nope", "X", null, null, null)).hasMessageContaining("no enterprise");
        assertThat(enterprises.find(id).orElseThrow().domains()).as("a refused update changed nothing")
                .containsExactly("hospital.org", "ward.hospital.org");

        assertThat(enterprises.named("st elsewhere ")).map(Enterprise::id).contains(id);
        assertThat(enterprises.named(other)).map(Enterprise::name).contains("Clinic");
        assertThat(enterprises.named("Nowhere")).isEmpty();
    }

    @EachDatabase
    void webmail_domains_and_an_admin_without_a_confirmed_account_are_warned_about(Database db) {
        db.migrate(AccountsRole.NAME);
        Enterprises enterprises = new Enterprises(db.jdbi(), clock);
        EnterpriseWarnings warnings = new EnterpriseWarnings(db.jdbi());
        Enterprise e = enterprises.find(enterprises.create("Practice", "doc@gmail.com",
                List.of("gmail.com", "practice.org", "hotmail.co.uk"), List.of())).orElseThrow();
        assertThat(warnings.of(e)).hasSize(3)
                .anySatisfy(w -> assertThat(w).startsWith("gmail.com is a webmail domain").contains("--members"))
                .anySatisfy(w -> assertThat(w).startsWith("hotmail.co.uk is a webmail domain"))
                .anySatisfy(w -> assertThat(w).startsWith("no account has the address doc@gmail.com"));
        user(db.jdbi(), "u1", "doc@gmail.com", false);
        Enterprise listed = enterprises.update(e.id(), null, null, List.of("practice.org"), List.of("doc@gmail.com"));
        assertThat(warnings.of(listed)).singleElement().asString().contains("has not confirmed");
        db.jdbi().useHandle(h -> h.execute("UPDATE users SET email_verified = 1"));
        assertThat(warnings.of(listed)).isEmpty();
    }

    @EachDatabase
    void a_new_enterprise_attaches_its_members_unattached_uploads_of_the_last_days(Database db) {
        db.migrate(AccountsRole.NAME);
        Jdbi jdbi = db.jdbi();
        UploadLog log = new UploadLog(jdbi, clock);
        user(jdbi, "ada", "ada@hospital.org", true);
        user(jdbi, "bob", "bob@hospital.org", false);
        user(jdbi, "cy", "cy@elsewhere.org", true);
        Instant now = clock.instant();
        upload(log, "1", "ada", "ada@hospital.org", now.minus(Duration.ofDays(1)));
        upload(log, "2", "ada", "ada@hospital.org", now.minus(Duration.ofDays(6)));
        upload(log, "3", "ada", "ada@hospital.org", now.minus(Duration.ofDays(8))); // beyond the cloud's week
        upload(log, "4", "bob", "bob@hospital.org", now.minus(Duration.ofHours(2))); // unverified: no member
        upload(log, "5", "cy", "cy@elsewhere.org", now.minus(Duration.ofHours(2))); // not a member
        Enterprises enterprises = new Enterprises(jdbi, clock);
        String other = enterprises.create("Other", "it@other.org", List.of(), List.of());
        jdbi.useHandle(h -> h.execute("UPDATE uploads SET enterprise_id = ? WHERE report_id = '2'", other));
        upload(log, "6", "ada", "ada@hospital.org", now.minus(Duration.ofDays(3)));

        String id = enterprises.create("Hospital", "it@hospital.org", List.of("hospital.org"), List.of());
        RecentReports recent = new RecentReports(jdbi, enterprises, clock);
        assertThat(recent.unattached(id, 7)).isEqualTo(2);
        assertThat(recent.unattached(id, 2)).isEqualTo(1);
        assertThatThrownBy(() -> recent.attach(id, 8)).hasMessageContaining("1 to 7");
        assertThatThrownBy(() -> recent.attach(id, 0)).hasMessageContaining("1 to 7");

        assertThat(recent.attach(id, 7)).isEqualTo(2);
        assertThat(log.ofEnterprise(id, 0, 100)).extracting(l -> l.entry().reportId()).containsExactly("1", "6");
        assertThat(log.ofEnterprise(other, 0, 100)).extracting(l -> l.entry().reportId()).containsExactly("2");
        assertThat(recent.attach(id, 7)).as("again attaches nothing").isZero();
        assertThat(recent.rolesElsewhere()).as("only the accounts role migrated here").containsExactly("cloud", "keys");
    }
}
