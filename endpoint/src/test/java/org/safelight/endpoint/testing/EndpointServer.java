package org.safelight.endpoint.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.server.db.Database;
import org.safelight.server.http.Json;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.TokenKeys;
import org.safelight.server.role.Worker;
import org.safelight.server.testing.TestTokens;
import org.safelight.server.tokens.TokenType;

/**
 * The endpoint role built by its wiring, on a free port over plain HTTP, as if the accounts role
 * ran in the same process at {@link #PUBLIC_URL} (its tokens signed by {@link #tokens}); with a
 * client that posts the intake's multipart form.
 */
public final class EndpointServer implements AutoCloseable {
    public static final URI PUBLIC_URL = URI.create("https://endpoint.test.example");

    public record Answer(int status, JsonNode body) {
    }

    private final TestTokens tokens;
    private final RoleContext context;
    private final Role role;
    private final Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();
    private boolean workersStarted;

    public EndpointServer(Database db, Path dataDir, Clock clock, EndpointSettings settings, TrustedProxies proxies)
            throws Exception {
        tokens = new TestTokens(clock);
        db.migrate("endpoint");
        context = new RoleContext(db, dataDir, clock, PUBLIC_URL, null, Set.of(RoleName.ACCOUNTS, RoleName.ENDPOINT));
        context.provide(TokenKeys.class, tokens::publicKeys);
        role = new EndpointWiring(settings).build(context);
        app = ServerApp.create(List.of(role), proxies::install).start("127.0.0.1", 0);
    }

    /** Runs the role's background workers (the pipeline; the mailbox when configured). */
    public void startWorkers() {
        role.workers().forEach(Worker::start);
        workersStarted = true;
    }

    public int port() {
        return app.port();
    }

    /** A token the endpoint-token exchange would give {@code email} for this endpoint. */
    public String endpointToken(String email, boolean verified) {
        return tokenOfType(email, verified, TokenType.ENDPOINT);
    }

    /** The same claims as another kind of token (a user token, a key-server token). */
    public String tokenOfType(String email, TokenType type) {
        return tokenOfType(email, true, type);
    }

    private String tokenOfType(String email, boolean verified, TokenType type) {
        var claims = tokens.claims("u-1", email, verified, "").issuer(PUBLIC_URL.toString())
                .audience(PUBLIC_URL.toString()).build();
        // Each kind's own lifetime: the verifier refuses longer ones.
        return tokens.sign(new com.nimbusds.jwt.JWTClaimsSet.Builder(claims).expirationTime(java.util.Date.from(
                claims.getIssueTime().toInstant().plus(type.maxLifetime()))).build(), type);
    }

    public Answer post(String token, byte[] file, String fileName) throws IOException, InterruptedException {
        return post(token, file, fileName, Map.of());
    }

    public Answer post(String token, byte[] file, String fileName, Map<String, String> headers)
            throws IOException, InterruptedException {
        String boundary = "----safelight" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (token != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n" + token
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (file != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"picsafe_file\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("multipart/form-data; boundary=" + boundary, body.toByteArray(), headers);
    }

    public Answer send(String contentType, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/report"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), Json.MAPPER.readTree(response.body()));
    }

    @Override
    public void close() {
        app.stop();
        if (workersStarted) {
            role.workers().forEach(Worker::stop);
        }
        context.closeResources();
    }
}
