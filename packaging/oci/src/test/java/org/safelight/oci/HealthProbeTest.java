package org.safelight.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safelight.server.testing.Ports;

/** The image's health check: 0 on a 2xx answer, 1 otherwise or on no answer, 2 on a bad argument. */
class HealthProbeTest {
    HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/ready", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/health/unready", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String port() {
        return Integer.toString(server.getAddress().getPort());
    }

    @Test
    void a_ready_server_passes_the_check_on_the_port_from_the_environment() {
        assertThat(HealthProbe.probe(new String[] {"/health/ready"}, port())).isZero();
    }

    @Test
    void a_server_that_answers_503_fails_the_check() {
        assertThat(HealthProbe.probe(new String[] {"/health/unready"}, port())).isEqualTo(1);
    }

    @Test
    void a_full_url_is_asked_as_it_is() {
        assertThat(HealthProbe.probe(new String[] {"http://127.0.0.1:" + port() + "/health/ready"}, "1")).isZero();
    }

    @Test
    void a_port_nobody_listens_on_fails_the_check() {
        assertThat(HealthProbe.probe(new String[] {"/health/ready"}, Integer.toString(Ports.unused()))).isEqualTo(1);
    }

    @Test
    void a_malformed_argument_is_a_usage_error() {
        assertThat(HealthProbe.probe(new String[] {"health"}, port())).isEqualTo(2);
        assertThat(HealthProbe.probe(new String[0], port())).isEqualTo(2);
    }
}
