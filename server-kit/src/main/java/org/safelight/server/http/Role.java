package org.safelight.server.http;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import org.safelight.server.role.PathRule;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.Worker;

/**
 * A server role as {@link ServerApp} and {@code serve} run it: its name, its routes and their
 * OpenAPI document, the rules of its paths (request size limits, the shape of refusals) and its
 * background workers. Built by the role module's {@link RoleWiring}, which also names the role's
 * migrations (applied before the role is built).
 */
public interface Role {
    RoleName roleName();

    /** The label in {@code /health} and logs: {@link RoleName#id()}. */
    default String name() {
        return roleName().id();
    }

    void routes(JavalinDefaultRoutingApi routes);

    /** The role's OpenAPI 3.1 document (YAML: its {@code paths} and {@code components}), or null. */
    default String openApi() {
        return null;
    }

    /**
     * Limits and refusal shapes for path prefixes of this role; paths no rule of any role covers
     * get {@link PathRule#DEFAULT_MAX_BYTES} and the common {@code {"error", "message"}}. A route
     * that streams a large body must have a rule raising its limit.
     */
    default List<PathRule> pathRules() {
        return List.of();
    }

    /** Background work, started by {@code serve} after every migration and stopped before the database closes. */
    default List<Worker> workers() {
        return List.of();
    }

    /**
     * {@code role} with {@code workers} added to its own: for a wiring whose role class has routes
     * only (its sweeper or purge job lives beside it).
     */
    static Role withWorkers(Role role, List<Worker> workers) {
        List<Worker> all = new java.util.ArrayList<>(role.workers());
        all.addAll(workers);
        List<Worker> joined = List.copyOf(all);
        return new Role() {
            @Override
            public RoleName roleName() {
                return role.roleName();
            }

            @Override
            public String name() {
                return role.name();
            }

            @Override
            public void routes(JavalinDefaultRoutingApi routes) {
                role.routes(routes);
            }

            @Override
            public String openApi() {
                return role.openApi();
            }

            @Override
            public List<PathRule> pathRules() {
                return role.pathRules();
            }

            @Override
            public List<Worker> workers() {
                return joined;
            }
        };
    }
}
