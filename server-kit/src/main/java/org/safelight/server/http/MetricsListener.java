package org.safelight.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A second listener that serves nothing but {@code GET /metrics} ({@code --metrics-port}), for a
 * Prometheus that reaches the server on a port users do not. The JDK's small HTTP server rather than
 * a second Jetty connector: no route of the roles can ever be reached through it. It has no
 * authentication of its own unless given a token, so serve binds it to the loopback address unless
 * told otherwise.
 */
public final class MetricsListener implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsListener(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code host}:{@code port} (0 picks a free port) and answers {@code /metrics} with
     * {@code scrape} to anyone; any other path 404, any other method 405.
     *
     * @throws IOException when the address cannot be bound
     */
    public static MetricsListener start(String host, int port, Supplier<String> scrape) throws IOException {
        return start(host, port, scrape, Optional.empty());
    }

    /**
     * As {@link #start(String, int, Supplier)}; with a {@code token}, {@code /metrics} answers only
     * to {@code Authorization: Bearer <token>} (401 otherwise, compared in constant time).
     *
     * @throws IOException when the address cannot be bound
     */
    public static MetricsListener start(String host, int port, Supplier<String> scrape, Optional<String> token)
            throws IOException {
        Optional<String> required = token.filter(t -> !t.isBlank());
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
                    answer(exchange, 404, "text/plain; charset=utf-8", "not found\n");
                } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    answer(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
                } else if (required.isPresent()
                        && !Operations.bearer(required.get(), exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    answer(exchange, 401, "text/plain; charset=utf-8",
                            "the metrics need Authorization: Bearer and the metrics token\n");
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

    /** The address it listens on (the host as bound, the port chosen). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
