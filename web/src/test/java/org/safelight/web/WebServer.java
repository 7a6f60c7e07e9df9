package org.safelight.web;

import io.javalin.Javalin;
import java.net.URI;
import java.util.List;
import org.safelight.server.http.ServerApp;

/** The web role alone in a real server on a free loopback port. */
final class WebServer implements AutoCloseable {
    private final Javalin app;

    WebServer(SharedLinks links, List<String> keyServers) {
        this(new WebRole(links, URI.create("http://localhost"), keyServers));
    }

    WebServer(WebRole role) {
        this.app = ServerApp.create(List.of(role), c -> { }).start("127.0.0.1", 0);
    }

    String url() {
        return "http://localhost:" + app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
