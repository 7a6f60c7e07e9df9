package org.safelight.endpoint.view;

import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.role.RoleName;

/** The institution API alone in a server on a free port, with the common error rendering. */
public final class InstitutionServer {
    private InstitutionServer() {
    }

    public static Javalin start(InstitutionApi api) {
        Role role = new Role() {
            @Override
            public org.safelight.server.role.RoleName roleName() {
                return org.safelight.server.role.RoleName.ENDPOINT;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi routes) {
                api.routes(routes);
            }
        };
        return ServerApp.create(List.of(role), c -> { }).start(0);
    }
}
