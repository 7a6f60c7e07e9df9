package org.safelight.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.safelight.server.http.ApiException;
import org.safelight.server.tokens.HttpJwks;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/**
 * An institution's intake as the seed fixes it ({@code POST /api/report}, multipart {@code token}
 * and {@code picsafe_file}), on port 0, for testing the sending side until the endpoint role is
 * merged: the body is streamed to disk, the token checked with the same verifier the endpoint uses
 * (an endpoint token of the accounts server, for this origin), the file kept by its SHA-256. A
 * refusal can be set to answer the seed's {@code {"success": false, ...}} shape.
 */
final class TestIntake implements AutoCloseable {
    /** One post as received. */
    record Post(String token, String fileName, long size, String sha256, UserToken sender) {
    }

    private final HttpServer http;
    private final Path spool;
    private final TokenVerifier verifier;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private volatile int refuseStatus;
    private volatile String refuseCode;

    TestIntake(Path spool, URI accountsUrl, Clock clock) throws IOException {
        this.spool = Files.createDirectories(spool);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/report", this::handle);
        http.start();
        verifier = new JwksTokenVerifier(new HttpJwks(accountsUrl, HttpClient.newHttpClient()),
                TokenAudience.endpoint(accountsUrl, url()), clock);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    List<Post> posts() {
        return List.copyOf(posts);
    }

    /** From now on every post is refused with {@code status} and {@code code}. */
    void refuse(int status, String code) {
        refuseStatus = status;
        refuseCode = code;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Path body = Files.createTempFile(spool, "post-", ".multipart");
        try (InputStream in = exchange.getRequestBody()) {
            Files.copy(in, body, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (refuseCode != null) {
            answer(exchange, refuseStatus, "{\"success\":false,\"error\":\"" + refuseCode
                    + "\",\"message\":\"the test intake refuses this\"}");
            return;
        }
        try (SharedFileInputStream shared = new SharedFileInputStream(body.toFile())) {
            MimeMultipart parts = new MimeMultipart(new jakarta.mail.util.ByteArrayDataSource(new byte[0],
                    exchange.getRequestHeaders().getFirst("Content-Type")) {
                @Override
                public InputStream getInputStream() {
                    return shared;
                }
            });
            String token = null;
            Post post = null;
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                String disposition = part.getHeader("Content-Disposition")[0];
                if (disposition.contains("name=\"token\"")) {
                    token = new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } else if (disposition.contains("name=\"picsafe_file\"")) {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    long size = 0;
                    try (InputStream in = part.getInputStream()) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; size += n) {
                            sha.update(buf, 0, n);
                        }
                    }
                    post = new Post(null, part.getFileName(), size, HexFormat.of().formatHex(sha.digest()), null);
                }
            }
            if (token == null || post == null) {
                answer(exchange, 400, "{\"success\":false,\"error\":\"bad_request\",\"message\":\"a field is missing\"}");
                return;
            }
            UserToken sender;
            try {
                sender = verifier.verify(token);
            } catch (ApiException e) {
                answer(exchange, 401, "{\"success\":false,\"error\":\"invalid_token\",\"message\":\"" + e.getMessage()
                        .replace("\"", "'") + "\"}");
                return;
            }
            posts.add(new Post(token, post.fileName(), post.size(), post.sha256(), sender));
            String id = post.fileName().replaceAll("\\.(picsafe|zip)$", "");
            answer(exchange, 200, "{\"success\":true,\"report_id\":\"" + id + "\"}");
        } catch (MessagingException | java.security.NoSuchAlgorithmException e) {
            answer(exchange, 400, "{\"success\":false,\"error\":\"bad_request\",\"message\":\"not multipart\"}");
        } finally {
            Files.deleteIfExists(body);
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
