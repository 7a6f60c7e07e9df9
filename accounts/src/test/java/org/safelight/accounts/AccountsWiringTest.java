package org.safelight.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAdmins;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.tokens.UserToken;

/** What the accounts role gives the roles running beside it. */
class AccountsWiringTest {

    @Test
    void roles_in_the_same_process_ask_it_who_administers_an_enterprise() throws Exception {
        Path dir = Files.createTempDirectory("safelight-accounts-wiring-");
        try (Database db = TestDatabases.sqlite()) {
            MutableClock clock = new MutableClock();
            RoleContext context = new RoleContext(db, dir, clock, URI.create("http://localhost:8080"), null,
                    Set.of(RoleName.ACCOUNTS, RoleName.ENDPOINT));
            AccountsWiring wiring = new AccountsWiring(AccountsSettings.DEFAULTS);
            db.migrate(RoleName.ACCOUNTS.id());
            wiring.build(context);
            try {
                AccountsStores stores = context.service(AccountsStores.class).orElseThrow();
                String id = stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of(), List.of());
                String it = stores.users().create(new org.safelight.accounts.users.NewUser("it@elsewhere.org", "hash",
                        "Iris", "Tester", "Dr", "AU"), clock.instant()).orElseThrow().id();
                stores.users().markEmailVerified(it, clock.instant());
                UserToken token = new UserToken(it, "it@elsewhere.org", true, "Iris Tester", "Dr", "AU", "", false,
                        Instant.now(), Instant.now().plusSeconds(900));

                assertThat(context.service(EnterpriseAdmins.class)).get()
                        .satisfies(admins -> assertThat(admins.administers(id, token)).isTrue());
            } finally {
                context.closeResources();
            }
        }
    }
}
