package org.safelight.client.fhir.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth2 token endpoint on loopback that checks what a SMART backend-services client sends, as a
 * hospital's authorization server would: the assertion's signature against the registered public
 * key chosen by {@code kid}, the algorithm for the key type, {@code aud}, {@code iss = sub},
 * {@code exp} in the future and at most five minutes ahead (by the test's clock), {@code jti} never
 * seen before; or the Basic client secret. Refusals are 401 {@code invalid_client} whose description
 * echoes what was sent, so tests can prove the client never repeats it.
 */
final class TestTokenServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One token request as received. */
    record Received(Map<String, String> form, String authorization, String algorithm, String jti) {
    }

    private final HttpServer server;
    private final Clock clock;
    private final String clientId;
    private final Map<String, JWK> registered = new LinkedHashMap<>();
    private final String secret;
    private final Set<String> jtis = Collections.synchronizedSet(new HashSet<>());
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    private final List<String> issued = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger counter = new AtomicInteger();
    volatile Long expiresIn = 120L;
    volatile String tokenType = "Bearer";
    volatile int failWith;

    private TestTokenServer(Clock clock, String clientId, List<JWK> publicKeys, String secret) throws IOException {
        this.clock = clock;
        this.clientId = clientId;
        this.secret = secret;
        publicKeys.forEach(k -> registered.put(k.getKeyID(), k.toPublicJWK()));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth/token", this::token);
        server.start();
    }

    /** Knows the client by the public halves of {@code keys}. */
    static TestTokenServer withKeys(Clock clock, String clientId, JWK... keys) throws IOException {
        return new TestTokenServer(clock, clientId, List.of(keys), null);
    }

    static TestTokenServer withSecret(Clock clock, String clientId, String secret) throws IOException {
        return new TestTokenServer(clock, clientId, List.of(), secret);
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/token");
    }

    int tokensIssued() {
        return issued.size();
    }

    List<String> issued() {
        return List.copyOf(issued);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<String> refusals() {
        return List.copyOf(refusals);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (failWith != 0) {
                answer(exchange, failWith, JSON.createObjectNode().put("error", "temporarily_unavailable"));
                return;
            }
            String refusal;
            String algorithm = null;
            String jti = null;
            if (!"POST".equals(exchange.getRequestMethod())
                    || !exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/x-www-form-urlencoded")
                    || !"client_credentials".equals(form.get("grant_type")) || form.get("scope") == null) {
                refusal = "not a client_credentials form POST";
            } else if (secret != null) {
                refusal = checkBasic(authorization, form);
            } else {
                try {
                    SignedJWT jwt = SignedJWT.parse(form.getOrDefault("client_assertion", ""));
                    algorithm = jwt.getHeader().getAlgorithm().getName();
                    jti = jwt.getJWTClaimsSet().getJWTID();
                    refusal = checkAssertion(form, jwt);
                } catch (ParseException | JOSEException e) {
                    refusal = "unreadable assertion " + form.get("client_assertion");
                }
            }
            received.add(new Received(form, authorization, algorithm, jti));
            if (refusal != null) {
                refusals.add(refusal);
                answer(exchange, 401, JSON.createObjectNode().put("error", "invalid_client")
                        .put("error_description", refusal));
                return;
            }
            String token = "tok-" + counter.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
            issued.add(token);
            ObjectNode body = JSON.createObjectNode().put("access_token", token).put("token_type", tokenType)
                    .put("scope", form.get("scope"));
            if (expiresIn != null) {
                body.put("expires_in", expiresIn);
            }
            answer(exchange, 200, body);
        }
    }

    private String checkBasic(String authorization, Map<String, String> form) {
        if (form.containsKey("client_assertion")) {
            return "an assertion in secret mode";
        }
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return "no Basic authorization";
        }
        String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        String id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
        String given = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
        return id.equals(clientId) && given.equals(secret) ? null : "wrong client or secret " + given;
    }

    private String checkAssertion(Map<String, String> form, SignedJWT jwt) throws ParseException, JOSEException {
        String sent = form.get("client_assertion");
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
            return "wrong client_assertion_type";
        }
        JWK key = registered.get(jwt.getHeader().getKeyID());
        if (key == null) {
            return "unknown kid in " + sent;
        }
        JWSAlgorithm expected = key instanceof ECKey ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
        JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier(key.toRSAKey());
        if (!expected.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
            return "bad signature on " + sent;
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        Instant now = clock.instant();
        if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
            return "iss/sub are not the client";
        }
        if (!List.of(tokenUrl().toString()).equals(claims.getAudience())) {
            return "aud is not the token URL";
        }
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().isAfter(now)
                || claims.getExpirationTime().toInstant().isAfter(now.plusSeconds(300))) {
            return "exp not within five minutes";
        }
        if (claims.getJWTID() == null || !jtis.add(claims.getJWTID())) {
            return "jti missing or replayed";
        }
        return null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
