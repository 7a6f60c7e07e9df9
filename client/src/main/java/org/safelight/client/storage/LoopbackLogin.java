package org.safelight.client.storage;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Connecting from a command line (RFC 8252): a one-page HTTP server on 127.0.0.1 receives the
 * service's redirect, and the code is traded with the PKCE verifier made here. The verifier and
 * the state never leave this process but to the service. Close it when done.
 */
public final class LoopbackLogin implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL64 = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final String verifier = random(48);
    private final String state = random(24);
    private final CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();

    private LoopbackLogin(HttpServer server) {
        this.server = server;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port) for {@code /callback}. */
    public static LoopbackLogin start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        LoopbackLogin login = new LoopbackLogin(server);
        server.createContext("/callback", exchange -> {
            Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
            boolean ours = login.state.equals(q.get("state"));
            byte[] page = (ours && q.containsKey("code")
                    ? "Safelight is connected. You can close this window."
                    : "Safelight was not connected. You can close this window and try again.")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
            if (ours) {
                login.callback.complete(q);
            }
        });
        server.start();
        return login;
    }

    public String redirectUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
    }

    /** The address to open in a browser. */
    public String authorizeUrl(CloudStorage storage) {
        Map<String, String> q = new LinkedHashMap<>(storage.authorizeParameters());
        q.put("response_type", "code");
        q.put("client_id", storage.clientId());
        q.put("redirect_uri", redirectUri());
        q.put("state", state);
        q.put("code_challenge", challenge());
        q.put("code_challenge_method", "S256");
        return storage.authorizeEndpoint() + "?" + q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * Waits for the redirect, then trades its code.
     *
     * @throws TimeoutException when no redirect came within {@code timeout}
     * @throws StorageException REFUSED when the user declined or the service refused the code
     */
    public StorageTokens await(CloudStorage storage, Duration timeout)
            throws StorageException, InterruptedException, TimeoutException {
        Map<String, String> q;
        try {
            q = callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        if (!q.containsKey("code")) {
            throw new StorageException(StorageException.Kind.REFUSED, storage.provider().displayName()
                    + " did not give access (" + q.getOrDefault("error", "no code") + ").");
        }
        return storage.exchange(q.get("code"), verifier, redirectUri());
    }

    private String challenge() {
        try {
            return URL64.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return URL64.encodeToString(b);
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
