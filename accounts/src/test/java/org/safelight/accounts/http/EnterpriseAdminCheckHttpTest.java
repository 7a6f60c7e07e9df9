package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAdmins;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.enterprise.HttpEnterpriseAdmins;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.tokens.UserToken;

/**
 * Who administers an enterprise is read from the accounts' current state, in process and, for a
 * role in another process, over HTTP with the service credential only.
 */
class EnterpriseAdminCheckHttpTest {

    private static UserToken token(String userId, String email) {
        java.time.Instant now = java.time.Instant.now();
        return new UserToken(userId, email, true, "Ada", "Dr", "AU", "", false, now, now.plusSeconds(900));
    }

    private static HttpEnterpriseAdmins overHttp(AccountsServer server, Duration ttl) {
        return new HttpEnterpriseAdmins(URI.create(server.base),
                new ServiceCredential(AccountsServer.CLOUD_SERVICE_CREDENTIAL), HttpClient.newHttpClient(), server.clock,
                ttl);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.safelight.server.testing.TestDatabases#engines")
    void the_admin_is_the_confirmed_admin_address_now_in_process_and_over_http(String engine,
                                                                               Supplier<Database> database) {
        try (AccountsServer server = AccountsServer.startOn(database.get())) {
            String it = server.signUpVerified("it@elsewhere.org");
            String ada = server.signUpVerified("ada@elsewhere.org");
            String id = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org",
                    List.of("elsewhere.org"), List.of());
            EnterpriseAdmins inProcess = server.stores.admins();
            EnterpriseAdmins http = overHttp(server, Duration.ZERO);

            for (EnterpriseAdmins admins : List.of(inProcess, http)) {
                assertThat(admins.administers(id, token(it, "it@elsewhere.org"))).isTrue();
                assertThat(admins.administers(id, token(ada, "ada@elsewhere.org"))).isFalse();
                assertThat(admins.administers("no-such-enterprise", token(it, "it@elsewhere.org"))).isFalse();
            }

            server.stores.enterprises().update(id, null, "ada@elsewhere.org", null, null);

            for (EnterpriseAdmins admins : List.of(inProcess, http)) {
                assertThat(admins.administers(id, token(it, "it@elsewhere.org"))).as("the replaced admin").isFalse();
                assertThat(admins.administers(id, token(ada, "ada@elsewhere.org"))).isTrue();
            }
        }
    }

    @Test
    void an_account_whose_address_is_not_confirmed_administers_nothing() {
        try (AccountsServer server = AccountsServer.start()) {
            String it = server.signUp("it@elsewhere.org");
            String id = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of(), List.of());

            assertThat(server.stores.admins().administers(id, token(it, "it@elsewhere.org"))).isFalse();
        }
    }

    @Test
    void the_route_answers_only_the_service_credential() throws Exception {
        try (AccountsServer server = AccountsServer.start()) {
            String it = server.signUpVerified("it@elsewhere.org");
            String id = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of(), List.of());
            String path = "/api/v1/enterprise/admin?enterprise_id=" + id + "&user_id=" + it;

            HttpResponse<String> withUserToken = server.get(path, server.accessToken("it@elsewhere.org"));
            HttpResponse<String> wrong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.base + path)).header(ServiceCredential.HEADER, "x".repeat(40)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(withUserToken.statusCode()).isEqualTo(403);
            assertThat(json(withUserToken).get("error").asText()).isEqualTo("service_only");
            assertThat(wrong.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void an_answer_is_trusted_for_its_time_then_asked_again() {
        try (AccountsServer server = AccountsServer.start()) {
            String it = server.signUpVerified("it@elsewhere.org");
            server.signUpVerified("ada@elsewhere.org");
            String id = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of(), List.of());
            HttpEnterpriseAdmins http = overHttp(server, Duration.ofSeconds(30));
            assertThat(http.administers(id, token(it, "it@elsewhere.org"))).isTrue();

            server.stores.enterprises().update(id, null, "ada@elsewhere.org", null, null);
            boolean within = http.administers(id, token(it, "it@elsewhere.org"));
            server.clock.advance(Duration.ofSeconds(31));
            boolean after = http.administers(id, token(it, "it@elsewhere.org"));

            assertThat(within).isTrue();
            assertThat(after).isFalse();
        }
    }

    @Test
    void accounts_that_cannot_be_reached_is_an_error_never_a_no() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        HttpEnterpriseAdmins http = new HttpEnterpriseAdmins(URI.create("http://localhost:" + port),
                new ServiceCredential("s".repeat(40)), HttpClient.newHttpClient(), java.time.Clock.systemUTC());

        assertThatThrownBy(() -> http.administers("e1", token("u1", "it@elsewhere.org")))
                .isInstanceOf(EnterpriseAuthorityUnavailableException.class);
    }
}
