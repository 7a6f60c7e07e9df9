package org.safelight.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.safelight.server.db.Database;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Role;
import org.safelight.server.role.RoleName;

/** The test harness other modules' tests stand on: a role server on port 0, its JSON client, ports, databases. */
class HarnessTest {
    private static final Set<DatabaseEngine> ENGINES_SEEN = ConcurrentHashMap.newKeySet();
    private static final List<Database> DATABASES_GIVEN = new ArrayList<>();

    /** A role that answers the public URL it was made for, and refuses with the catalogue's shape. */
    private record Echo(URI publicUrl) implements Role {
        @Override
        public RoleName roleName() {
            return RoleName.WEB;
        }

        @Override
        public void routes(JavalinDefaultRoutingApi r) {
            r.get("/whoami", ctx -> ctx.json(Map.of("url", publicUrl.toString())));
            r.post("/echo", ctx -> ctx.result(ctx.body()).contentType("application/json"));
            r.get("/refuse", ctx -> {
                throw new ApiException(ErrorCode.NOT_PERMITTED, "not you");
            });
        }
    }

    @Test
    void a_role_server_binds_before_the_role_is_made_so_the_role_knows_its_own_url() {
        try (RoleServer one = RoleServer.start(url -> List.of(new Echo(url)));
             RoleServer two = RoleServer.start(url -> List.of(new Echo(url)))) {
            assertThat(one.port()).isPositive().isNotEqualTo(two.port());
            assertThat(one.base()).isEqualTo("http://localhost:" + one.port());
            assertThat(JsonClient.json(one.client().get("/whoami")).get("url").asText()).isEqualTo(one.base());
            assertThat(JsonClient.json(two.client().get("/whoami")).get("url").asText()).isEqualTo(two.base());
        }
    }

    @Test
    void the_json_client_sends_bodies_and_tokens_and_hands_back_any_answer() {
        try (RoleServer server = RoleServer.start(url -> List.of(new Echo(url)))) {
            assertThat(JsonClient.json(server.client().post("/echo", "{\"a\": 1}", "t0ken")).get("a").asInt())
                    .isEqualTo(1);
            var refused = server.client().get("/refuse", "t0ken");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(JsonClient.json(refused).get("error").asText()).isEqualTo("not_permitted");
            assertThat(server.client().get(server.base() + "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_start_on_a_port_taken_meanwhile_is_tried_again_on_another_port() throws Exception {
        List<Integer> tried = new ArrayList<>();
        int port = Ports.onFreePort(p -> {
            tried.add(p);
            if (tried.size() < Ports.ATTEMPTS) {
                throw new Ports.PortTaken("taken");
            }
            return p;
        });
        assertThat(tried).hasSize(Ports.ATTEMPTS).last().isEqualTo(port);

        List<Integer> bound = new ArrayList<>();
        String started = Ports.onFreePort(p -> {
            bound.add(p);
            if (bound.size() == 1) {
                throw new IllegalStateException("wrapped", new BindException("Address already in use"));
            }
            return "started";
        });
        assertThat(started).isEqualTo("started");
        assertThat(bound).hasSize(2);
    }

    @Test
    void a_start_that_fails_otherwise_or_always_finds_its_port_taken_fails_with_its_own_exception() {
        assertThatThrownBy(() -> Ports.onFreePort(p -> {
            throw new IllegalArgumentException("a bad setting");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ports.onFreePort(p -> {
            throw new Ports.PortTaken("taken again");
        })).isInstanceOf(Ports.PortTaken.class);
    }

    @Test
    void several_ports_are_distinct_and_an_unused_port_has_nobody_listening() throws Exception {
        int[] ports = Ports.onFreePorts(3, p -> p);
        assertThat(Set.of(ports[0], ports[1], ports[2])).hasSize(3);
        int unused = Ports.unused();
        try (ServerSocket again = new ServerSocket(unused)) {
            assertThat(again.getLocalPort()).isEqualTo(unused);
        }
    }

    @EachDatabase
    void each_database_test_runs_on_every_engine_with_a_fresh_database(DatabaseEngine engine, Database db) {
        ENGINES_SEEN.add(engine);
        synchronized (DATABASES_GIVEN) {
            DATABASES_GIVEN.add(db);
        }
        assertThat(db.dialect().name().toLowerCase(java.util.Locale.ROOT)).isEqualTo(engine.toString());
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE harness_probe (n INTEGER)"));
    }

    @AfterAll
    static void every_engine_ran_and_each_database_was_closed_after_its_test() {
        assertThat(ENGINES_SEEN).containsExactlyInAnyOrder(DatabaseEngine.values());
        assertThat(DATABASES_GIVEN).hasSize(2).allSatisfy(db ->
                assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute("SELECT 1"))).isNotNull());
    }
}
