package org.safelight.server.http;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Consumer;

/** Roles made of a few routes, for tests of what ServerApp does around them. */
final class TestRoles {
    private TestRoles() {
    }

    static Role of(String name, Consumer<JavalinDefaultRoutingApi> routes) {
        return new Role() {
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
