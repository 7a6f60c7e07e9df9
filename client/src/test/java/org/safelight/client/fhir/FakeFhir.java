package org.safelight.client.fhir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A scripted HTTP server for what the real test FHIR server cannot be made to do: answer 401s,
 * point a next link at another host, fail with chosen statuses. Each request is recorded (method,
 * path and query, headers we care about, a digest of the body) and answered by {@link #answer}.
 */
final class FakeFhir implements AutoCloseable {
    record Request(String method, String pathAndQuery, Map<String, String> headers, long size, String sha256, String body) {
    }

    record Reply(int status, Map<String, String> headers, String body) {
        static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/fhir+json"), body);
        }
    }

    interface Script {
        Reply answer(Request request, int index) throws IOException;
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile Script answer = (r, i) -> Reply.json(200, "{}");

    FakeFhir() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String name : List.of("Accept", "Authorization", "Content-Type", "If-None-Exist", "Prefer")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size = 0;
            StringBuilder text = new StringBuilder();
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    if (size < 1024 * 1024) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                    size += n;
                }
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                    size, HexFormat.of().formatHex(digest.digest()), text.toString());
            requests.add(request);
            Reply reply = answer.answer(request, requests.size() - 1);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
