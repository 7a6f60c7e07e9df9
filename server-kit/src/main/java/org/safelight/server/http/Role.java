package org.safelight.server.http;

import io.javalin.router.JavalinDefaultRoutingApi;

/** A server role (accounts, keys, ...): its name and its routes. */
public interface Role {
    String name();

    void routes(JavalinDefaultRoutingApi routes);
}
