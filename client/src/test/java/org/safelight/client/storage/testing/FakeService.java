package org.safelight.client.storage.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageEndpoints;
import org.safelight.client.storage.StorageProvider;

/**
 * What both fakes share: a JDK HTTP server on a free loopback port, the OAuth side, a switch that
 * makes the service answer 503 to everything (down), and counters a test can read. Close it.
 */
public abstract class FakeService implements AutoCloseable {
    protected final HttpServer server;
    protected final FakeOAuth oauth;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private volatile boolean down;

    protected FakeService(String clientId, String clientSecret, boolean rotatesRefreshTokens) {
        this.oauth = new FakeOAuth(clientId, clientSecret, rotatesRefreshTokens);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handleSafely);
    }

    protected final void start() {
        server.start();
    }

    /** http://127.0.0.1:PORT */
    public String base() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    public abstract StorageProvider provider();

    /** The addresses of this fake, for {@link StorageApp}. */
    public abstract StorageEndpoints endpoints();

    /** The app registration a client of this fake uses. */
    public abstract StorageApp app();

    public FakeOAuth oauth() {
        return oauth;
    }

    /** Down: every request answers 503, as during an outage. */
    public void down(boolean down) {
        this.down = down;
    }

    /** How many times something happened: "authorize", "code_exchanged", "refreshed", "token_refused", ... */
    public int count(String what) {
        return oauth.count(what, true);
    }

    private void handleSafely(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (down) {
                send(exchange, 503, "{\"error\":\"temporarily_unavailable\"}");
                return;
            }
            handle(exchange);
        } catch (RuntimeException e) {
            send(exchange, 500, "{\"error\":\"fake failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    protected abstract void handle(HttpExchange exchange) throws IOException;

    /** The authorization page: 302 to the redirect URI, or 400 when the request is malformed. */
    protected final void authorize(HttpExchange exchange) throws IOException {
        String back = oauth.authorize(FakeOAuth.form(exchange.getRequestURI().getRawQuery()));
        if (back == null) {
            send(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        exchange.getResponseHeaders().set("Location", back);
        exchange.sendResponseHeaders(302, -1);
    }

    protected final void token(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST") || !String.valueOf(
                exchange.getRequestHeaders().getFirst("Content-Type")).startsWith("application/x-www-form-urlencoded")) {
            send(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        FakeOAuth.Answer a = oauth.token(FakeOAuth.form(new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8)));
        send(exchange, a.status(), a.json());
    }

    protected static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    protected static Map<String, String> query(HttpExchange exchange) {
        return FakeOAuth.form(exchange.getRequestURI().getRawQuery());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
