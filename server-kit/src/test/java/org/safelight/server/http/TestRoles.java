package org.safelight.server.http;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Consumer;
import org.safelight.server.role.RoleName;

/** Roles made of a few routes, for tests of what ServerApp does around them. */
final class TestRoles {
    private TestRoles() {
    }

    static Role of(String name, Consumer<JavalinDefaultRoutingApi> routes) {
        return new Role() {
            @Override
            public RoleName roleName() {
                return RoleName.WEB; // a stand-in: these tests do not look at it
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi api) {
                routes.accept(api);
            }
        };
    }
}
