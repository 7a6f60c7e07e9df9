package org.safelight.endpoint.view;

import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.role.RoleName;

/** The institution API alone in a server on a free port, with the common error rendering. */
final class InstitutionServer {
    private InstitutionServer() {
    }

    static Javalin start(InstitutionApi api) {
        Role role = new Role() {
            @Override
            public RoleName roleName() {
                return RoleName.ENDPOINT;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi routes) {
                api.routes(routes);
            }
        };
        return ServerApp.create(List.of(role), c -> { }).start(0);
    }
}
