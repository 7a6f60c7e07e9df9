package org.safelight.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.safelight.format.report.ReportId;

class EnterpriseReportsTest {
    @Test
    void a_key_server_url_with_a_path_and_query_sends_the_token_to_the_origins_key_route_only() throws Exception {
        List<String> paths = new CopyOnWriteArrayList<>();
        HttpServer keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keys.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().toString());
            byte[] body = "{\"key\": \"k\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        keys.start();
        try {
            String origin = "http://127.0.0.1:" + keys.getAddress().getPort();
            EnterpriseReports reports = new EnterpriseReports(ApiClient.create(), URI.create(origin), "slak_x",
                    "slkst_y");
            assertThat(reports.fetchKey(URI.create(origin + "/steer/here?to=x#f"), new ReportId("R-1"))).isEqualTo("k");
            assertThat(paths).containsExactly("/api/v1/reports/R-1/key");
        } finally {
            keys.stop(0);
        }
    }
}
