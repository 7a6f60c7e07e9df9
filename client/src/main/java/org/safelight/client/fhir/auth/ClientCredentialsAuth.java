package org.safelight.client.fhir.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.safelight.client.fhir.FhirAuth;
import org.safelight.client.fhir.FhirException;

/**
 * OAuth2 client credentials for a FHIR server, as SMART backend services do it: a {@code POST} of
 * {@code grant_type=client_credentials} to the token URL, the client authenticated by a client
 * assertion signed with its private key ({@code private_key_jwt}: RS384 or ES384, header
 * {@code kid}, claims {@code iss = sub =} client ID, {@code aud =} token URL, {@code exp} at most
 * five minutes ahead, a random {@code jti}) or by its secret ({@code client_secret_basic}).
 *
 * <p>The token is kept until shortly before it expires ({@value #MARGIN_SECONDS} s, or half its
 * life when that is shorter; {@code expires_in} is taken as {@value #DEFAULT_EXPIRES_IN} s when
 * the answer has none) and {@link #rejected()} drops it. One fetch at a time: threads that need a
 * token while one is fetched wait for it. Thread-safe.
 *
 * <p>Failures are {@link FhirException}s: no answer, 408, 429 or 5xx from the token server are
 * retryable (status 0 when no answer came); any other refusal (400 or 401 {@code invalid_client},
 * a wrong key or secret, a scope not granted) and an answer that is not a Bearer token are not.
 * Messages name the token server and its {@code error}, never the secret, the assertion or a token.
 */
public final class ClientCredentialsAuth implements FhirAuth {
    static final long DEFAULT_EXPIRES_IN = 300;
    static final long MARGIN_SECONDS = 60;
    static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern HEADER_SAFE = Pattern.compile("[\\x21-\\x7E]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientCredentials credentials;
    private final HttpClient http;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Optional<Signing> signing;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Token token;

    private record Signing(JWSSigner signer, JWSHeader header) {
    }

    private record Token(String header, Instant renewAt) {
    }

    public ClientCredentialsAuth(ClientCredentials credentials) {
        this(credentials, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC());
    }

    /** @param http never follows redirects for the token request (a redirected token request is refused) */
    public ClientCredentialsAuth(ClientCredentials credentials, HttpClient http, Clock clock) {
        this.credentials = credentials;
        this.http = http;
        this.clock = clock;
        this.signing = credentials.privateKey().map(ClientCredentialsAuth::signing);
    }

    private static Signing signing(JWK key) {
        JWSAlgorithm algorithm = ClientCredentials.algorithmOf(key);
        try {
            String kid = key.getKeyID() != null ? key.getKeyID() : key.computeThumbprint().toString();
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey());
            return new Signing(signer, new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the client key cannot sign " + algorithm, e);
        }
    }

    @Override
    public Optional<String> authorization() throws FhirException {
        Token current = token;
        if (fresh(current)) {
            return Optional.of(current.header());
        }
        fetching.lock();
        try {
            current = token;
            if (!fresh(current)) {
                current = fetch();
                token = current;
            }
            return Optional.of(current.header());
        } finally {
            fetching.unlock();
        }
    }

    @Override
    public void rejected() {
        token = null;
    }

    @Override
    public String describe() {
        return "oauth2 client credentials as " + credentials.clientId() + " at " + credentials.tokenUrl()
                + (signing.isPresent() ? " (private_key_jwt " + signing.get().header().getAlgorithm()
                        + " kid " + signing.get().header().getKeyID() + ")" : " (client_secret_basic)");
    }

    @Override
    public String toString() {
        return describe();
    }

    private boolean fresh(Token t) {
        return t != null && clock.instant().isBefore(t.renewAt());
    }

    private Token fetch() throws FhirException {
        Instant asked = clock.instant();
        StringBuilder form = new StringBuilder("grant_type=client_credentials&scope=").append(encode(credentials.scope()));
        HttpRequest.Builder request = HttpRequest.newBuilder(credentials.tokenUrl()).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        String assertion = "";
        if (signing.isPresent()) {
            assertion = assertion(asked);
            form.append("&client_assertion_type=").append(encode(ASSERTION_TYPE))
                    .append("&client_assertion=").append(assertion);
        } else {
            String pair = encode(credentials.clientId()) + ":" + encode(credentials.clientSecret().orElseThrow());
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> answer;
        try {
            answer = http.send(request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FhirException(where() + " did not answer (" + e.getClass().getSimpleName() + ")", 0, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FhirException(where() + ": interrupted while waiting for a token", 0, true, e);
        }
        return read(answer, asked, assertion);
    }

    private String assertion(Instant now) throws FhirException {
        byte[] id = new byte[18];
        random.nextBytes(id);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(credentials.clientId())
                .subject(credentials.clientId())
                .audience(credentials.tokenUrl().toString())
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
                .build();
        SignedJWT jwt = new SignedJWT(signing.orElseThrow().header(), claims);
        try {
            jwt.sign(signing.get().signer());
        } catch (JOSEException e) {
            throw new FhirException("signing the client assertion failed (" + e.getClass().getSimpleName() + ")", 0,
                    false, e);
        }
        return jwt.serialize();
    }

    private Token read(HttpResponse<String> answer, Instant asked, String assertion) throws FhirException {
        int status = answer.statusCode();
        JsonNode body = parse(answer.body());
        if (status != 200) {
            boolean retryable = status == 408 || status == 429 || status >= 500;
            throw new FhirException(where() + " refused the client (" + status + refusal(body, assertion) + ")", status,
                    retryable);
        }
        String accessToken = body.path("access_token").asText("");
        String type = body.path("token_type").asText("");
        if (accessToken.isEmpty() || !HEADER_SAFE.matcher(accessToken).matches()) {
            throw new FhirException(where() + " answered 200 without a usable access_token", status, false);
        }
        if (!type.equalsIgnoreCase("Bearer")) {
            throw new FhirException(where() + " answered a token of type '" + clip(type, 32)
                    + "'; only Bearer tokens are used", status, false);
        }
        JsonNode expires = body.path("expires_in");
        long lifetime = expires.canConvertToLong() || expires.isTextual() && expires.asText().matches("\\d{1,9}")
                ? expires.asLong() : DEFAULT_EXPIRES_IN;
        long margin = Math.min(MARGIN_SECONDS, Math.max(lifetime, 0) / 2);
        return new Token("Bearer " + accessToken, asked.plusSeconds(lifetime - margin));
    }

    /** The server's {@code error} and a clipped {@code error_description}, with anything we sent taken out. */
    private String refusal(JsonNode body, String assertion) {
        String error = body.path("error").asText("");
        StringBuilder out = new StringBuilder();
        if (ERROR_CODE.matcher(error).matches()) {
            out.append(' ').append(error);
        }
        String description = body.path("error_description").asText("");
        if (!description.isEmpty()) {
            if (!assertion.isEmpty()) {
                description = description.replace(assertion, "[assertion]");
            }
            String secret = credentials.clientSecret().orElse("");
            if (!secret.isEmpty()) {
                description = description.replace(secret, "[secret]");
            }
            out.append(": ").append(clip(description.replaceAll("[\\p{Cntrl}]", " "), 200));
        }
        return out.toString();
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private String where() {
        return "the token server " + credentials.tokenUrl();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
