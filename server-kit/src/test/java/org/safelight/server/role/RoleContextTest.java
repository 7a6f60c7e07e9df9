package org.safelight.server.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.HttpEnterpriseAuthority;
import org.safelight.server.testing.TestDatabases;

class RoleContextTest {
    @TempDir
    Path dir;
    private final Database database = TestDatabases.sqlite();

    @AfterEach
    void close() {
        database.close();
    }

    private RoleContext context(URI accountsUrl, Set<RoleName> running) {
        return new RoleContext(database, dir, Clock.systemUTC(), URI.create("https://endpoint.example"), accountsUrl,
                running);
    }

    @Test
    void a_role_finds_the_services_the_roles_before_it_provided_and_only_those() {
        RoleContext context = context(null, Set.of(RoleName.ACCOUNTS, RoleName.ENDPOINT));
        assertThat(context.service(StringBuilder.class)).isEmpty();
        StringBuilder provided = new StringBuilder("accounts' stores");
        context.provide(StringBuilder.class, provided);
        assertThat(context.service(StringBuilder.class)).containsSame(provided);
        assertThatThrownBy(() -> context.provide(StringBuilder.class, new StringBuilder()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(context.runs(RoleName.ENDPOINT)).isTrue();
        assertThat(context.runs(RoleName.KEYS)).isFalse();
    }

    @Test
    void enterprises_are_the_local_accounts_ones_else_asked_of_the_accounts_server_else_none() {
        EnterpriseAuthority local = (kind, secret) -> java.util.Optional.of("ent_1");
        RoleContext here = context(null, Set.of(RoleName.ACCOUNTS, RoleName.KEYS));
        assertThat(here.enterprises().enterpriseOf(EnterpriseAuthority.Credential.API_KEY, "slak_x")).isEmpty();
        here.provide(EnterpriseAuthority.class, local);
        assertThat(here.enterprises()).isSameAs(local);

        RoleContext apart = context(URI.create("https://accounts.example"), Set.of(RoleName.KEYS));
        assertThat(apart.enterprises()).isInstanceOf(HttpEnterpriseAuthority.class).isSameAs(apart.enterprises());
        assertThat(apart.issuer()).hasToString("https://accounts.example");
        assertThat(here.issuer()).hasToString("https://endpoint.example");
    }

    @Test
    void tokens_without_an_accounts_role_or_url_are_refused_rather_than_trusted() {
        RoleContext context = context(null, Set.of(RoleName.KEYS));
        var verifier = context.tokens(org.safelight.server.tokens.TokenAudience.users(context.issuer()));
        assertThatThrownBy(() -> verifier.verify("eyJhbGciOiJFUzI1NiJ9.e30.c2ln")).isNotNull();
    }

    @Test
    void resources_close_newest_first_and_a_failing_one_does_not_stop_the_rest() {
        RoleContext context = context(null, Set.of());
        List<String> closed = new ArrayList<>();
        context.closeOnStop(() -> closed.add("first"));
        context.closeOnStop(() -> {
            throw new IllegalStateException("broken");
        });
        context.closeOnStop(() -> closed.add("last"));
        context.closeResources();
        assertThat(closed).containsExactly("last", "first");
    }
}
