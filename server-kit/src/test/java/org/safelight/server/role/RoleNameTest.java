package org.safelight.server.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleNameTest {
    @Test
    void a_role_is_named_by_its_lower_case_id_in_any_case() {
        assertThat(RoleName.ENDPOINT.id()).isEqualTo("endpoint");
        assertThat(RoleName.parse(" Keys ")).isEqualTo(RoleName.KEYS);
        assertThat(RoleName.CLOUD).hasToString("cloud");
        assertThat(Migrations.of(RoleName.ACCOUNTS))
                .isEqualTo(new Migrations("db/migration/accounts", "flyway_history_accounts"));
    }

    @Test
    void an_unknown_name_is_refused_with_the_list_of_valid_ones() {
        assertThatThrownBy(() -> RoleName.parse("cloudz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown role 'cloudz' (known: accounts, keys, cloud, web, endpoint)");
    }
}
