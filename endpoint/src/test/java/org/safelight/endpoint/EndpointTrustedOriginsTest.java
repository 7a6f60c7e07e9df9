package org.safelight.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.view.InstitutionApi;
import org.safelight.server.db.Database;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.TokenKeys;
import org.safelight.server.testing.RoleServer;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;
import picocli.CommandLine;

/**
 * Which web origins may call the institution's view from a browser, through the endpoint's real
 * wiring on a real server: {@code --endpoint-trusted-origins}, else this server's own origin when it
 * also serves My Safelight, else none.
 */
class EndpointTrustedOriginsTest {
    private static final String MY_SAFELIGHT = "https://my.safelight.example";

    @TempDir
    Path dir;

    private Database db;
    private RoleContext context;
    private RoleServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void openDatabase() {
        db = TestDatabases.sqlite();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (context != null) {
            context.closeResources();
        }
        db.close();
    }

    /** The endpoint role, with accounts (and {@code also}) in this process, served on port 0. */
    private RoleServer start(EndpointSettings settings, RoleName... also) {
        Set<RoleName> running = EnumSet.of(RoleName.ACCOUNTS, RoleName.ENDPOINT);
        running.addAll(List.of(also));
        TestTokens tokens = new TestTokens(Clock.systemUTC());
        EndpointWiring wiring = new EndpointWiring(settings);
        wiring.migrations().ifPresent(db::migrate);
        server = RoleServer.start(url -> {
            context = new RoleContext(db, dir, Clock.systemUTC(), url, null, running);
            context.provide(TokenKeys.class, tokens::publicKeys);
            try {
                return List.of(wiring.build(context));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return server;
    }

    /** {@code serve}, as far as this group goes. */
    @CommandLine.Command(name = "serve")
    static final class Serve {
    }

    private HttpResponse<String> preflight(String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(InstitutionApi.REPORTS))
                .header("Origin", origin).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ownOrigin(RoleServer server) {
        URI url = server.url();
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    @Test
    void a_trusted_origin_passes_the_preflight_and_an_untrusted_one_gets_no_cors_headers() throws Exception {
        start(EndpointSettings.defaults().withTrustedOrigins(List.of(MY_SAFELIGHT + "/")));

        HttpResponse<String> trusted = preflight(MY_SAFELIGHT);
        assertThat(trusted.statusCode()).isEqualTo(204);
        assertThat(trusted.headers().firstValue("Access-Control-Allow-Origin")).hasValue(MY_SAFELIGHT);
        assertThat(trusted.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .containsIgnoringCase("authorization");

        HttpResponse<String> untrusted = preflight("https://evil.example");
        assertThat(untrusted.statusCode()).isEqualTo(403);
        assertThat(untrusted.body()).contains("origin_not_allowed");
        assertThat(untrusted.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(server.url().resolve(InstitutionApi.REPORTS))
                .header("Origin", MY_SAFELIGHT).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(401); // no token; still readable by the trusted page
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(MY_SAFELIGHT);
    }

    @Test
    void by_default_the_servers_own_origin_is_trusted_when_it_also_runs_the_web_role() throws Exception {
        start(EndpointSettings.defaults(), RoleName.WEB);

        assertThat(preflight(ownOrigin(server)).statusCode()).isEqualTo(204);
        assertThat(preflight(MY_SAFELIGHT).statusCode()).isEqualTo(403);
    }

    @Test
    void without_the_web_role_and_without_the_flag_no_origin_is_trusted() throws Exception {
        start(EndpointSettings.defaults());

        assertThat(preflight(ownOrigin(server)).statusCode()).isEqualTo(403);
        assertThat(preflight(MY_SAFELIGHT).statusCode()).isEqualTo(403);
    }

    @Test
    void the_flag_takes_a_comma_separated_list_and_a_wildcard_is_refused_naming_the_flag() {
        EndpointOptions options = new EndpointOptions();
        new CommandLine(new Serve()).addMixin("endpoint", options)
                .parseArgs("--endpoint-trusted-origins", MY_SAFELIGHT + ", https://ward.hospital.example");
        assertThat(options.settings(java.util.Map.of()).trustedOrigins())
                .containsExactly(MY_SAFELIGHT, "https://ward.hospital.example");

        EndpointOptions wildcard = new EndpointOptions();
        new CommandLine(new Serve()).addMixin("endpoint", wildcard).parseArgs("--endpoint-trusted-origins", "*");
        assertThatThrownBy(() -> wildcard.settings(java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--endpoint-trusted-origins:");
    }
}
