package org.safelight.accounts.sends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.sends.EmailReportHttpTest.assertRefused;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.SealedFiles;

/**
 * What an enterprise admin, a customer, cannot make the server do with a destination: call an
 * address on its own network (at save time, and again at send time for a name that resolves there),
 * or read a remote's words back to a member; a destination is managed by the admin the enterprise
 * has now, not by one whose token is still valid.
 */
class DestinationSafetyHttpTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());
    private static final String ID = "0000000011764300000001";
    private static final String KEYS = "https://keys.stv.example";

    /** A local HTTP server answering every request with {@code status} and {@code body}, counting them. */
    private static HttpServer fake(AtomicInteger requests, int status, String body) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        http.start();
        return http;
    }

    @Test
    void addresses_on_the_servers_own_network_are_refused_when_saved_and_none_is_stored() throws Exception {
        try (AccountsServer server = DestinationsHttpTest.start(new SendLimits(1_000_000, 50, false), SMTP)) {
            String admin = server.accessToken("it@stv.example");
            for (String url : List.of("https://127.0.0.1:1/x", "https://169.254.169.254", "https://[::1]",
                    "https://localhost", "https://10.0.0.5", "https://192.168.1.1", "https://100.64.0.1",
                    "https://[fd00::1]", "https://0.0.0.0", "https://[::ffff:127.0.0.1]", "https://224.0.0.1")) {
                HttpResponse<String> r = server.post("/api/v1/enterprise/destinations",
                        "{\"kind\": \"endpoint\", \"name\": \"x\", \"url\": \"" + url + "\"}", admin);
                assertRefused(r, 400, "bad_request");
            }
            assertThat(AccountsServer.json(server.get("/api/v1/enterprise/destinations", admin))
                    .path("destinations")).isEmpty();
        }
    }

    @Test
    void a_stored_destination_whose_host_resolves_to_loopback_is_refused_at_send_time_without_a_request()
            throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer local = fake(requests, 200, "{\"success\": true, \"report_id\": \"" + ID + "\"}");
        try (AccountsServer server = DestinationsHttpTest.start(new SendLimits(1_000_000, 50, true), SMTP)) {
            String enterprise = server.stores.enterprises().findByAdmin("it@stv.example").orElseThrow().id();
            // as if it had been saved while the name pointed elsewhere
            String id = server.stores.destinations().add(enterprise, "Records", Destination.Kind.ENDPOINT,
                    "http://localhost:" + local.getAddress().getPort(), null).orElseThrow().id();
            HttpResponse<String> r = DestinationsHttpTest.send(server, server.accessToken("ada@stv.example"), id,
                    SealedFiles.sealed(ID, KEYS, 1000));
            assertRefused(r, 502, "destination_refused");
            assertThat(r.body()).doesNotContain("localhost", "127.0.0.1");
            assertThat(requests.get()).isZero();
        } finally {
            local.stop(0);
        }
    }

    @Test
    void an_endpoints_own_words_never_reach_the_member_and_a_huge_answer_is_not_read() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer refusing = fake(requests, 200,
                "{\"success\": false, \"error\": \"x\", \"message\": \"SECRET-123\"}");
        HttpServer chatty = fake(requests, 400, "{\"error\": \"Internal Admin Port\", \"message\": \"SECRET-456\"}");
        HttpServer huge = fake(requests, 200, "{\"success\": true, \"report_id\": \"" + "x".repeat(200_000) + "\"}");
        SendLimits limits = new SendLimits(1_000_000, 50, true).withPrivateAddresses(true);
        try (AccountsServer server = DestinationsHttpTest.start(limits, SMTP)) {
            String admin = server.accessToken("it@stv.example");
            String ada = server.accessToken("ada@stv.example");
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 1000);
            String[] ids = new String[3];
            HttpServer[] fakes = {refusing, chatty, huge};
            for (int i = 0; i < 3; i++) {
                ids[i] = DestinationsHttpTest.add(server, admin, "{\"kind\": \"endpoint\", \"name\": \"E" + i
                        + "\", \"url\": \"http://127.0.0.1:" + fakes[i].getAddress().getPort() + "\"}").path("id").asText();
            }
            HttpResponse<String> first = DestinationsHttpTest.send(server, ada, ids[0], sealed);
            assertRefused(first, 502, "destination_refused");
            assertThat(AccountsServer.json(first).path("message").asText()).startsWith("E0 refused the report (x)");
            assertThat(first.body()).doesNotContain("SECRET-123", "127.0.0.1");
            HttpResponse<String> second = DestinationsHttpTest.send(server, ada, ids[1], sealed);
            assertRefused(second, 502, "destination_refused");
            assertThat(AccountsServer.json(second).path("message").asText()).startsWith("E1 refused the report (refused)");
            assertThat(second.body()).doesNotContain("SECRET-456", "Internal");
            assertRefused(DestinationsHttpTest.send(server, ada, ids[2], sealed), 503, "destination_unavailable");
            assertThat(requests.get()).isEqualTo(3);
        } finally {
            refusing.stop(0);
            chatty.stop(0);
            huge.stop(0);
        }
    }

    @Test
    void an_admin_replaced_cannot_edit_the_destinations_with_their_still_valid_token() throws Exception {
        try (AccountsServer server = DestinationsHttpTest.start(new SendLimits(1_000_000, 50, false), SMTP)) {
            String old = server.accessToken("it@stv.example");
            String enterprise = server.stores.enterprises().findByAdmin("it@stv.example").orElseThrow().id();
            server.stores.enterprises().update(enterprise, null, "ada@stv.example", null, null);
            assertRefused(server.post("/api/v1/enterprise/destinations", "{\"kind\": \"mailbox\", \"name\": \"x\","
                    + " \"address\": \"a@stv.example\"}", old), 403, "not_enterprise_admin");
            assertRefused(server.get("/api/v1/enterprise/destinations", old), 403, "not_enterprise_admin");
            assertThat(server.post("/api/v1/enterprise/destinations", "{\"kind\": \"mailbox\", \"name\": \"x\","
                    + " \"address\": \"a@stv.example\"}", server.accessToken("ada@stv.example")).statusCode())
                    .isEqualTo(201);
        }
    }
}
