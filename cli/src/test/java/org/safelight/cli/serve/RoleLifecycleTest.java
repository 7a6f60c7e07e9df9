package org.safelight.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.db.Database;
import org.safelight.server.http.Role;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.Migrations;
import org.safelight.server.role.PathRule;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.Worker;

/**
 * How serve runs a role through the seam: its migrations before it is built, its workers started
 * after that and stopped after HTTP and before the database closes, its path rules on its paths,
 * and a role of a later kind using what an earlier one provided.
 */
class RoleLifecycleTest {
    @TempDir
    Path dir;

    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A fifth role standing in for the endpoint: a table, a worker, a path with its own answers. */
    private final class Probe implements RoleWiring {
        @Override
        public RoleName name() {
            return RoleName.ENDPOINT;
        }

        @Override
        public Optional<Migrations> migrations() {
            return Optional.of(new Migrations("db/migration/lifecycle-test", "flyway_history_lifecycle_test"));
        }

        @Override
        public Role build(RoleContext context) {
            Database db = context.database();
            events.add("built, table " + (tableThere(db) ? "there" : "missing") + ", accounts stores "
                    + (context.service(org.safelight.accounts.AccountsStores.class).isPresent() ? "found" : "missing"));
            Worker worker = new Worker() {
                @Override
                public String name() {
                    return "probe";
                }

                @Override
                public void start() {
                    events.add("worker started");
                }

                @Override
                public void stop() {
                    events.add("worker stopped, database " + (tableThere(db) ? "open" : "closed"));
                }
            };
            context.closeOnStop(() -> events.add("resource closed, database " + (tableThere(db) ? "open" : "closed")));
            return new Role() {
                @Override
                public RoleName roleName() {
                    return RoleName.ENDPOINT;
                }

                @Override
                public void routes(JavalinDefaultRoutingApi routes) {
                    routes.post("/api/report", ctx -> {
                        throw new org.safelight.server.http.ApiException(401, "invalid_token", "sign in first");
                    });
                }

                @Override
                public List<PathRule> pathRules() {
                    return List.of(new PathRule("/api/report", 1024, ErrorRenderer.SUCCESS_FALSE));
                }

                @Override
                public List<Worker> workers() {
                    return List.of(worker);
                }
            };
        }
    }

    private static boolean tableThere(Database db) {
        try (Connection c = db.dataSource().getConnection()) {
            c.createStatement().executeQuery("SELECT COUNT(*) FROM lifecycle_probe").close();
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private ServeConfig config(Path data, int port) {
        return new ServeConfig(data, "127.0.0.1", port, Set.of("accounts"), Database.sqliteUrl(data), null, null, null,
                URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60).with(new Probe());
    }

    @Test
    void a_role_is_migrated_then_built_its_worker_runs_while_serving_and_stops_before_the_database_closes()
            throws Exception {
        Path data = dir.resolve("data");
        try (SafelightServer server = SafelightServer.start(config(data, 0))) {
            assertThat(events).containsExactly("built, table there, accounts stores found", "worker started");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.url() + "/api/report")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("{\"success\":false,\"error\":\"invalid_token\",\"message\":\"sign in first\"}");
            HttpResponse<String> big = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.url() + "/api/report")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048]))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(big.body()).startsWith("{\"success\":false,\"error\":\"too_large\"");
        }
        assertThat(events).containsExactly("built, table there, accounts stores found", "worker started",
                "worker stopped, database open", "resource closed, database open");
    }

    @Test
    void a_start_that_fails_after_the_workers_started_stops_them_and_closes_what_the_roles_registered()
            throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> SafelightServer.start(config(dir.resolve("data"), taken.getLocalPort())))
                    .isNotNull();
        }
        assertThat(events).containsExactly("built, table there, accounts stores found", "worker started",
                "worker stopped, database open", "resource closed, database open");
    }
}
