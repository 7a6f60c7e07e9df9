package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerAppTest {
    @Test
    void requests_run_on_virtual_threads_only_where_the_jdk_has_them_unless_turned_off() {
        assertThat(ServerApp.virtualThreads(17, null)).isFalse();
        assertThat(ServerApp.virtualThreads(17, "true")).isFalse();
        assertThat(ServerApp.virtualThreads(21, null)).isTrue();
        assertThat(ServerApp.virtualThreads(25, "true")).isTrue();
        assertThat(ServerApp.virtualThreads(25, "false")).isFalse();
        assertThat(ServerApp.virtualThreads(25, "FALSE")).isFalse();
    }
}
