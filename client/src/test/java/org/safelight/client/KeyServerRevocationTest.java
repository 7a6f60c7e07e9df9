package org.safelight.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyServerRevocationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeyServer.Revocation of(String json) throws Exception {
        return KeyServer.Revocation.of(JSON.readTree(json));
    }

    @Test
    void a_revocation_time_the_key_server_garbled_leaves_the_report_revoked_at_an_unknown_time() throws Exception {
        assertThat(of("{\"report_id\":\"x\",\"revoked\":true,\"revoked_at\":\"yesterday-ish\"}"))
                .isEqualTo(new KeyServer.Revocation(true, null));
    }

    @Test
    void a_garbled_time_without_a_revoked_flag_still_counts_as_revoked() throws Exception {
        assertThat(of("{\"revoked_at\":\"27/11/2026\"}")).isEqualTo(new KeyServer.Revocation(true, null));
    }

    @Test
    void a_well_formed_time_is_kept_and_no_time_means_not_revoked() throws Exception {
        assertThat(of("{\"revoked\":true,\"revoked_at\":\"2026-11-27T14:05:00Z\"}"))
                .isEqualTo(new KeyServer.Revocation(true, Instant.parse("2026-11-27T14:05:00Z")));
        assertThat(of("{\"revoked\":false}")).isEqualTo(new KeyServer.Revocation(false, null));
        assertThat(of("{}")).isEqualTo(new KeyServer.Revocation(false, null));
    }
}
