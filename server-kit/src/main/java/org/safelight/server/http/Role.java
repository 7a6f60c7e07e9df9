package org.safelight.server.http;

import io.javalin.router.JavalinDefaultRoutingApi;

/** A server role (accounts, keys, ...): its name, its routes and the OpenAPI document of them. */
public interface Role {
    String name();

    void routes(JavalinDefaultRoutingApi routes);

    /** The role's OpenAPI 3.1 document (YAML: its {@code paths} and {@code components}), or null. */
    default String openApi() {
        return null;
    }
}
