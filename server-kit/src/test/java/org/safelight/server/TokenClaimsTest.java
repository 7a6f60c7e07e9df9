package org.safelight.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.safelight.server.http.ApiException;
import org.safelight.server.testing.TestTokens;
import org.safelight.server.tokens.Es256Signatures;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.Origin;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenType;
import org.safelight.server.tokens.TokenVerifier;

/** Every claim a verifier checks, each with a token signed here that gets exactly that one wrong. */
class TokenClaimsTest {
    private static final BigInteger N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final TestTokens users = new TestTokens(clock);
    private final TestTokens keyServer = TestTokens.forKeyServer(clock);

    @Test
    void a_token_from_another_issuer_is_refused() {
        String token = users.sign(users.claims("u1", "a@example.org", true, "").issuer("https://evil.example")
                .build());
        assertInvalid(users.verifier(), token, "issued by another");
        String none = users.sign(users.claims("u1", "a@example.org", true, "").issuer(null).build());
        assertInvalid(users.verifier(), none, "issued by another");
    }

    @Test
    void a_token_for_another_audience_is_refused() {
        String other = users.sign(users.claims("u1", "a@example.org", true, "").audience("https://keys.example")
                .build());
        assertInvalid(users.verifier(), other, "meant for another");
        String none = users.sign(users.claims("u1", "a@example.org", true, "").audience((String) null).build());
        assertInvalid(users.verifier(), none, "meant for another");
        String two = users.sign(users.claims("u1", "a@example.org", true, "")
                .audience(List.of(TestTokens.ISSUER.toString(), "https://keys.example")).build());
        assertInvalid(users.verifier(), two, "meant for another");
    }

    @Test
    void a_token_for_another_key_server_is_refused() {
        TokenAudience elsewhere = TokenAudience.keyServer(TestTokens.ISSUER, java.net.URI.create(
                "https://other-keys.example"));
        String token = keyServer.token("u1", "a@example.org");
        assertThat(keyServer.verifier().verify(token).userId()).isEqualTo("u1");
        assertInvalid(new JwksTokenVerifier(keyServer::publicKeys, elsewhere, clock), token, "meant for another");
    }

    @Test
    void a_key_server_token_is_refused_where_user_tokens_go_even_on_the_same_origin() {
        // All roles in one process: the key server's origin is the issuer's, so only the type tells them apart.
        TokenAudience sameOrigin = TokenAudience.keyServer(TestTokens.ISSUER, TestTokens.ISSUER);
        String scoped = users.sign(users.claims("u1", "a@example.org", true, "")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5)))).build(), TokenType.KEY_SERVER);
        assertThat(new JwksTokenVerifier(users::publicKeys, sameOrigin, clock).verify(scoped).userId()).isEqualTo("u1");
        assertInvalid(users.verifier(), scoped, "kind of token");
        String user = users.token("u1", "a@example.org");
        assertInvalid(new JwksTokenVerifier(users::publicKeys, sameOrigin, clock), user, "kind of token");
    }

    @Test
    void an_endpoint_accepts_only_endpoint_tokens_for_its_own_origin() {
        TestTokens endpoint = TestTokens.forEndpoint(clock);
        TokenVerifier verifier = endpoint.verifier();
        assertThat(verifier.verify(endpoint.token("u1", "a@example.org")).userId()).isEqualTo("u1");
        var claims = endpoint.claims("u1", "a@example.org", true, "")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5)))).build();
        // the same claims signed by the same key, as a user token or a key-server token for the endpoint's origin
        assertInvalid(verifier, endpoint.signAs(claims, TokenAudience.users(TestTokens.ENDPOINT)), "kind of token");
        assertInvalid(verifier, endpoint.signAs(claims, TokenAudience.keyServer(TestTokens.ISSUER, TestTokens.ENDPOINT)),
                "kind of token");
        // and an endpoint token for another endpoint
        assertInvalid(verifier, endpoint.signAs(claims, TokenAudience.endpoint(TestTokens.ISSUER,
                java.net.URI.create("https://other-endpoint.example"))), "meant for another");
    }

    @Test
    void an_endpoint_token_is_refused_where_user_or_key_server_tokens_go_even_on_the_same_origin() {
        // All roles in one process: every origin is the issuer's, so only the type tells the kinds apart.
        TokenAudience endpointHere = TokenAudience.endpoint(TestTokens.ISSUER, TestTokens.ISSUER);
        TokenAudience keysHere = TokenAudience.keyServer(TestTokens.ISSUER, TestTokens.ISSUER);
        var claims = users.claims("u1", "a@example.org", true, "")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5)))).build();
        String endpointToken = users.signAs(claims, endpointHere);
        assertThat(new JwksTokenVerifier(users::publicKeys, endpointHere, clock).verify(endpointToken).userId())
                .isEqualTo("u1");
        assertInvalid(users.verifier(), endpointToken, "kind of token");
        assertInvalid(new JwksTokenVerifier(users::publicKeys, keysHere, clock), endpointToken, "kind of token");
        assertInvalid(new JwksTokenVerifier(users::publicKeys, endpointHere, clock), users.signAs(claims, keysHere),
                "kind of token");
        assertInvalid(new JwksTokenVerifier(users::publicKeys, endpointHere, clock), users.token("u1", "a@example.org"),
                "kind of token");
    }

    @Test
    void an_endpoint_token_lives_at_most_five_minutes() {
        assertThat(TokenType.ENDPOINT.headerType()).isEqualTo("endpoint+jwt");
        TestTokens endpoint = TestTokens.forEndpoint(clock);
        String tooLong = endpoint.sign(endpoint.claims("u1", "a@example.org", true, "")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(6)))).build());
        assertInvalid(endpoint.verifier(), tooLong, "longer than");
    }

    @Test
    void a_token_without_the_expected_header_type_is_refused() {
        String plainJwt = users.sign(users.claims("u1", "a@example.org", true, "").build(), null);
        assertInvalid(users.verifier(), plainJwt, "kind of token");
    }

    @Test
    void a_token_not_valid_yet_is_refused() {
        Date later = Date.from(clock.instant().plus(Duration.ofMinutes(2)));
        String nbf = users.sign(users.claims("u1", "a@example.org", true, "").notBeforeTime(later).build());
        assertInvalid(users.verifier(), nbf, "not valid yet");
        String iat = users.sign(users.claims("u1", "a@example.org", true, "").issueTime(later).notBeforeTime(null)
                .expirationTime(Date.from(later.toInstant().plus(Duration.ofMinutes(10)))).build());
        assertInvalid(users.verifier(), iat, "not valid yet");
    }

    @Test
    void a_token_that_lives_longer_than_its_kind_may_is_refused() {
        String day = users.sign(users.claims("u1", "a@example.org", true, "")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofDays(1)))).build());
        assertInvalid(users.verifier(), day, "lives longer");
        String tenMinutes = keyServer.sign(keyServer.claims("u1", "a@example.org", true, "")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10)))).build());
        assertInvalid(keyServer.verifier(), tenMinutes, "lives longer");
        String noIat = users.sign(users.claims("u1", "a@example.org", true, "").issueTime(null).build());
        assertInvalid(users.verifier(), noIat, "issue time");
    }

    @Test
    void the_high_s_twin_of_a_valid_signature_is_refused() throws Exception {
        String token = users.token("u1", "a@example.org");
        String[] parts = token.split("\\.");
        byte[] signature = Base64URL.from(parts[2]).decode();
        assertThat(Es256Signatures.isLowS(signature)).isTrue();
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        byte[] high = Arrays.copyOf(signature, 64);
        byte[] sBytes = N.subtract(s).toByteArray();
        Arrays.fill(high, 32, 64, (byte) 0);
        int len = Math.min(32, sBytes.length);
        System.arraycopy(sBytes, sBytes.length - len, high, 64 - len, len);
        String twin = parts[0] + "." + parts[1] + "." + Base64URL.encode(high);
        // the twin is a valid ECDSA signature: a verifier that checked only the maths would take it
        assertThat(com.nimbusds.jwt.SignedJWT.parse(twin).verify(new com.nimbusds.jose.crypto.ECDSAVerifier(
                users.publicKeys().getKeys().get(0).toECKey()))).isTrue();
        assertThat(Es256Signatures.lowS(high)).isEqualTo(signature);
        assertInvalid(users.verifier(), twin, "low-S");
    }

    @Test
    void every_signed_token_has_a_low_s_signature() {
        for (int i = 0; i < 64; i++) {
            String token = users.token("u" + i, "a@example.org");
            assertThat(Es256Signatures.isLowS(Base64URL.from(token.split("\\.")[2]).decode())).isTrue();
            assertThat(users.verifier().verify(token).userId()).isEqualTo("u" + i);
        }
    }

    @Test
    void origins_drop_paths_default_ports_user_information_and_case() {
        assertThat(Origin.of("HTTPS://Keys.Example.org:443/api/v1?x=1#f")).isEqualTo("https://keys.example.org");
        assertThat(Origin.of("http://user:pw@127.0.0.1:8080/evil")).isEqualTo("http://127.0.0.1:8080");
        assertThat(Origin.of("http://[::1]:80")).isEqualTo("http://[::1]");
        assertThatThrownBy(() -> Origin.of("ftp://keys.example.org")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Origin.of("/relative")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertInvalid(TokenVerifier verifier, String token, String why) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("invalid_token");
            assertThat(e.getMessage()).contains(why);
        });
    }
}
