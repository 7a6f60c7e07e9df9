package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerAppTest {
    @Test
    void requests_run_on_virtual_threads_only_when_asked_for_and_the_jdk_has_them() {
        assertThat(ServerApp.virtualThreads(17, null)).isFalse();
        assertThat(ServerApp.virtualThreads(17, "true")).isFalse();
        assertThat(ServerApp.virtualThreads(21, null)).isFalse();
        assertThat(ServerApp.virtualThreads(21, "true")).isTrue();
        assertThat(ServerApp.virtualThreads(25, "TRUE")).isTrue();
        assertThat(ServerApp.virtualThreads(25, "false")).isFalse();
    }
}
