package org.safelight.endpoint.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A key server's key route on a real HTTP port, answering what the test sets: a report's key, or a
 * status such as 503 (down) or 403 (refused). Records the Authorization header of every request.
 */
public final class StandInKeyServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    public StandInKeyServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/reports/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String path = exchange.getRequestURI().getPath();
            String id = path.substring("/api/v1/reports/".length(), path.length() - "/key".length());
            String key = keys.get(id);
            int answer = status != 200 ? status : key == null ? 404 : 200;
            byte[] body = (answer == 200 ? "{\"key\": \"" + key + "\"}"
                    : "{\"error\": \"" + (answer == 404 ? "unknown_report" : answer == 403 ? "access_denied" : "unavailable")
                    + "\", \"message\": \"no\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void key(String reportId, String key) {
        keys.put(reportId, key);
    }

    /** 200: answer keys; anything else: answer that status to every request. */
    public void answer(int status) {
        this.status = status;
    }

    public List<String> authorizations() {
        return authorizations;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
