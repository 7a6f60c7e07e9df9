package org.safelight.accounts.enterprise;

import org.safelight.server.enterprise.EnterpriseAuthority;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.accounts.AccountsRole;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

class EnterprisesContractTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    @EachDatabase
    void an_enterprise_is_created_with_normalized_domains_and_members_and_the_pro_licence(Database db) {
        db.migrate(AccountsRole.NAME);
        Enterprises enterprises = new Enterprises(db.jdbi(), CLOCK);
        String id = enterprises.create(" My Hospital ", "IT@MyHospital.org", List.of("MyHospital.org", "clinic.net"),
                List.of("Locum@Gmail.com"));
        Enterprise e = enterprises.find(id).orElseThrow();
        assertThat(e.name()).isEqualTo("My Hospital");
        assertThat(e.adminEmail()).isEqualTo("it@myhospital.org");
        assertThat(e.domains()).containsExactly("clinic.net", "myhospital.org");
        assertThat(e.members()).containsExactly("locum@gmail.com");
        assertThat(e.pro()).isTrue();
        assertThat(e.createdAt()).isEqualTo(CLOCK.instant());
        assertThat(enterprises.findByAdmin("it@myhospital.org")).contains(e);
        assertThat(enterprises.list()).containsExactly(e);
    }

    @EachDatabase
    void membership_comes_from_the_list_then_the_domain_then_the_admin_address_and_needs_a_verified_address(
            DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate(AccountsRole.NAME);
            Enterprises enterprises = new Enterprises(db.jdbi(), CLOCK);
            String hospital = enterprises.create("Hospital", "it@hospital.org", List.of("hospital.org"), List.of());
            String clinic = enterprises.create("Clinic", "boss@gmail.com", List.of(), List.of("nurse@hospital.org"));

            assertThat(enterprises.membershipOf("dr@hospital.org", true))
                    .contains(new Membership(hospital, "Hospital", true, false));
            assertThat(enterprises.membershipOf("it@hospital.org", true))
                    .contains(new Membership(hospital, "Hospital", true, true));
            assertThat(enterprises.membershipOf("nurse@hospital.org", true).orElseThrow().enterpriseId())
                    .isEqualTo(clinic);
            assertThat(enterprises.membershipOf("boss@gmail.com", true).orElseThrow().admin()).isTrue();
            assertThat(enterprises.membershipOf("dr@hospital.org", false)).isEmpty();
            assertThat(enterprises.membershipOf("dr@mail.hospital.org", true)).isEmpty();
            assertThat(enterprises.membershipOf("someone@gmail.com", true)).isEmpty();

            assertThat(enterprises.setPro(hospital, false)).isTrue();
            assertThat(enterprises.membershipOf("dr@hospital.org", true).orElseThrow().pro()).isFalse();
            assertThat(enterprises.setPro("nope", true)).isFalse();
        }
    }

    @EachDatabase
    void a_domain_member_or_admin_of_another_enterprise_and_malformed_values_are_refused(Database db) {
        db.migrate(AccountsRole.NAME);
        Enterprises enterprises = new Enterprises(db.jdbi(), CLOCK);
        enterprises.create("Hospital", "it@hospital.org", List.of("hospital.org"), List.of("a@gmail.com"));
        assertThatThrownBy(() -> enterprises.create("B", "b@b.org", List.of("Hospital.org"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hospital.org");
        assertThatThrownBy(() -> enterprises.create("B", "b@b.org", List.of(), List.of("A@gmail.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a@gmail.com");
        assertThatThrownBy(() -> enterprises.create("B", "it@hospital.org", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enterprises.create("B", "not an address", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enterprises.create("B", "b@b.org", List.of("@b.org"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> enterprises.create(" ", "b@b.org", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(enterprises.list()).hasSize(1);
    }

    @EachDatabase
    void a_credential_names_its_enterprise_until_revoked_and_only_for_its_own_kind(Database db) {
        db.migrate(AccountsRole.NAME);
        Enterprises enterprises = new Enterprises(db.jdbi(), CLOCK);
        EnterpriseCredentials credentials = new EnterpriseCredentials(db.jdbi(), CLOCK);
        String ent = enterprises.create("Hospital", "it@hospital.org", List.of("hospital.org"), List.of());
        String other = enterprises.create("Clinic", "it@clinic.org", List.of(), List.of());
        EnterpriseCredentials.Issued key = credentials.issue(ent, EnterpriseAuthority.Credential.API_KEY);
        EnterpriseCredentials.Issued kst = credentials.issue(ent, EnterpriseAuthority.Credential.KEY_SERVER_TOKEN);

        assertThat(key.secret()).startsWith("slak_" + key.id() + "_");
        assertThat(kst.secret()).startsWith("slkst_" + kst.id() + "_");
        assertThat(credentials.checkApiKey(key.secret())).contains(ent);
        assertThat(credentials.checkKeyServerToken(kst.secret())).contains(ent);
        assertThat(credentials.checkKeyServerToken(key.secret())).isEmpty();
        assertThat(credentials.checkApiKey(kst.secret())).isEmpty();
        String altered = key.secret().substring(0, key.secret().length() - 1)
                + (key.secret().endsWith("A") ? "B" : "A");
        assertThat(credentials.check(EnterpriseAuthority.Credential.API_KEY, altered)).isEmpty();
        assertThat(credentials.check(EnterpriseAuthority.Credential.API_KEY, "slak_short")).isEmpty();
        assertThat(credentials.check(EnterpriseAuthority.Credential.API_KEY, null)).isEmpty();

        assertThat(credentials.list(ent, EnterpriseAuthority.Credential.API_KEY)).containsExactly(
                new EnterpriseCredentials.Info(key.id(), EnterpriseAuthority.Credential.API_KEY, "", CLOCK.instant(),
                        CLOCK.instant(), key.secret().substring(key.secret().length() - 4), false));
        assertThat(credentials.revoke(other, EnterpriseAuthority.Credential.API_KEY, key.id())).isFalse();
        assertThat(credentials.revoke(ent, EnterpriseAuthority.Credential.KEY_SERVER_TOKEN, key.id())).isFalse();
        assertThat(credentials.revoke(ent, EnterpriseAuthority.Credential.API_KEY, key.id())).isTrue();
        assertThat(credentials.check(EnterpriseAuthority.Credential.API_KEY, key.secret())).isEmpty();
        assertThat(credentials.list(ent, EnterpriseAuthority.Credential.API_KEY).get(0).revoked()).isTrue();
        assertThat(credentials.check(EnterpriseAuthority.Credential.KEY_SERVER_TOKEN, kst.secret())).contains(ent);
    }
}
