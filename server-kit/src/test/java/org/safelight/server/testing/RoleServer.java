package org.safelight.server.testing;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;

/**
 * Roles served in this JVM on a real HTTP server, as {@code serve} builds it ({@link ServerApp}),
 * on port 0: the port is bound before the roles are made, so a role that must know its own public
 * URL (the accounts role's issuer, a key server's audience) gets it, and no free-port probe can
 * race another process. With a {@link JsonClient} for the server.
 */
public final class RoleServer implements AutoCloseable {
    private final Javalin app;
    private final URI url;
    private final JsonClient client;

    private RoleServer(Javalin app, URI url) {
        this.app = app;
        this.url = url;
        this.client = new JsonClient(url);
    }

    /** The roles {@code roles} makes for the server's own URL ({@code http://localhost:PORT}). */
    public static RoleServer start(Function<URI, List<? extends Role>> roles) {
        return start(roles, config -> { });
    }

    /** Also with {@code extra} configuration (trusted proxies, say). */
    public static RoleServer start(Function<URI, List<? extends Role>> roles, Consumer<JavalinConfig> extra) {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(0));
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            URI url = URI.create("http://localhost:" + port);
            List<Role> built = List.copyOf(roles.apply(url));
            ServerSocketChannel bound = channel;
            Javalin app = ServerApp.create(built, config -> {
                extra.accept(config);
                config.jetty.addConnector((server, http) -> {
                    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                    try {
                        connector.open(bound);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return connector;
                });
            }).start();
            return new RoleServer(app, url);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    public URI url() {
        return url;
    }

    /** The URL as text, without a trailing slash. */
    public String base() {
        return client.base();
    }

    public int port() {
        return url.getPort();
    }

    public JsonClient client() {
        return client;
    }

    public Javalin app() {
        return app;
    }

    @Override
    public void close() {
        app.stop();
    }

    private static void close(ServerSocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was served on it
            }
        }
    }
}
