package org.safelight.client.fhir.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a FHIR server's authorization server knows this client by (OAuth2 client credentials,
 * SMART backend services): either a private key whose public half the server holds
 * ({@code private_key_jwt}: an RSA key signs RS384, an EC P-384 key ES384), or a shared secret
 * ({@code client_secret_basic}).
 *
 * <p>Refused with {@link IllegalArgumentException}: a token URL that is not absolute https (plain
 * http only to a loopback address, for tests), an empty client ID or scope, both or neither of key
 * and secret, a public key, an RSA key under 2048 bits or an EC key on another curve than P-384.
 * {@link #toString()} shows neither the secret nor the key.
 *
 * @param tokenUrl     the authorization server's token endpoint (SMART's {@code token_endpoint})
 * @param clientId     the client ID it registered
 * @param privateKey   the client's private JWK, when it authenticates with a signed assertion
 * @param clientSecret the client's secret, when it authenticates with Basic
 * @param scope        the scopes asked for, such as {@code system/Patient.read system/Media.write}
 */
public record ClientCredentials(URI tokenUrl, String clientId, Optional<JWK> privateKey, Optional<String> clientSecret,
        String scope) {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");

    public ClientCredentials {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(clientSecret, "clientSecret");
        checkTokenUrl(tokenUrl);
        clientId = clientId == null ? "" : clientId.strip();
        if (clientId.isEmpty()) {
            throw new IllegalArgumentException("the client ID is empty");
        }
        scope = scope == null ? "" : scope.strip();
        if (scope.isEmpty()) {
            throw new IllegalArgumentException("the scope is empty (SMART backend services ask for system/... scopes)");
        }
        if (privateKey.isPresent() == clientSecret.isPresent()) {
            throw new IllegalArgumentException("give either a private key or a client secret, not "
                    + (privateKey.isPresent() ? "both" : "neither"));
        }
        if (clientSecret.isPresent() && clientSecret.get().isEmpty()) {
            throw new IllegalArgumentException("the client secret is empty");
        }
        privateKey.ifPresent(ClientCredentials::algorithmOf);
    }

    /** A client that signs assertions with {@code privateKey}. */
    public static ClientCredentials withKey(URI tokenUrl, String clientId, JWK privateKey, String scope) {
        return new ClientCredentials(tokenUrl, clientId, Optional.of(privateKey), Optional.empty(), scope);
    }

    /** A client that authenticates with {@code secret} (HTTP Basic). */
    public static ClientCredentials withSecret(URI tokenUrl, String clientId, String secret, String scope) {
        return new ClientCredentials(tokenUrl, clientId, Optional.empty(), Optional.of(secret), scope);
    }

    /** RS384 for an RSA key, ES384 for an EC P-384 key; anything else is refused. */
    static JWSAlgorithm algorithmOf(JWK key) {
        if (!key.isPrivate()) {
            throw new IllegalArgumentException("the client key is a public key; the private key is needed to sign");
        }
        if (key instanceof RSAKey rsa) {
            if (rsa.size() < 2048) {
                throw new IllegalArgumentException("the client's RSA key has " + rsa.size() + " bits; RS384 needs 2048 or more");
            }
            return JWSAlgorithm.RS384;
        }
        if (key instanceof ECKey ec) {
            if (!Curve.P_384.equals(ec.getCurve())) {
                throw new IllegalArgumentException("the client's EC key is on " + ec.getCurve() + "; ES384 needs P-384");
            }
            return JWSAlgorithm.ES384;
        }
        throw new IllegalArgumentException("the client key is " + key.getKeyType() + "; an RSA or EC P-384 key is needed");
    }

    private static void checkTokenUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("the token URL is not an absolute http(s) URL without user or fragment: " + url);
        }
        boolean loopback = isLoopback(url.getHost());
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw new IllegalArgumentException("the token URL must be https (http only on a loopback address): " + url);
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || LOOPBACK_V4.matcher(h).matches();
    }

    /** For logs: the mode and the client, never the secret or the key's private part. */
    @Override
    public String toString() {
        String how = privateKey.map(k -> "private_key_jwt " + algorithmOf(k) + keyIdNote(k)).orElse("client_secret_basic");
        return "ClientCredentials[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", " + how + ", scope=" + scope + "]";
    }

    private static String keyIdNote(JWK key) {
        return key.getKeyID() == null ? "" : " kid=" + key.getKeyID();
    }
}
