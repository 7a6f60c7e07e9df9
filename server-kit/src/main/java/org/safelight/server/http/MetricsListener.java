package org.safelight.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A second listener that serves nothing but {@code GET /metrics} ({@code --metrics-port}), for a
 * Prometheus that reaches the server on a port users do not. The JDK's small HTTP server rather than
 * a second Jetty connector: no route of the roles can ever be reached through it.
 */
public final class MetricsListener implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsListener(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code host}:{@code port} (0 picks a free port) and answers {@code /metrics} with
     * {@code scrape}; any other path 404, any other method 405.
     *
     * @throws IOException when the address cannot be bound
     */
    public static MetricsListener start(String host, int port, Supplier<String> scrape) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
                    answer(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    answer(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
                } else {
                    answer(exchange, 200, CONTENT_TYPE, scrape.get());
                }
            }
        });
        server.start();
        return new MetricsListener(server);
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
