package org.safelight.client.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.client.fhir.FhirException;

/** SMART backend services against a token server that checks every assertion the way a hospital's would. */
class ClientCredentialsAuthTest {
    private static final String CLIENT = "safelight-endpoint";
    private static final String SCOPE = "system/Patient.read system/Practitioner.read system/Media.write";
    private static RSAKey rsa;
    private static RSAKey otherRsa;
    private static ECKey ec;

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-28T02:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestTokenServer server;

    @BeforeAll
    static void keys() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherRsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_384).keyID("ec-1").generate();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ClientCredentialsAuth auth(ClientCredentials credentials) {
        return new ClientCredentialsAuth(credentials, http, clock);
    }

    private ClientCredentialsAuth withKey(com.nimbusds.jose.jwk.JWK key) {
        return auth(ClientCredentials.withKey(server.tokenUrl(), CLIENT, key, SCOPE));
    }

    @Test
    void an_rsa_key_signs_an_rs384_assertion_and_one_token_serves_many_requests() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa, ec);
        ClientCredentialsAuth auth = withKey(rsa);

        for (int i = 0; i < 5; i++) {
            assertThat(auth.authorization()).contains("Bearer " + server.issued().get(0));
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(server.refusals()).isEmpty();
        assertThat(server.tokensIssued()).isEqualTo(1);
        TestTokenServer.Received sent = server.received().get(0);
        assertThat(sent.algorithm()).isEqualTo("RS384");
        assertThat(sent.form()).containsOnlyKeys("grant_type", "scope", "client_assertion_type", "client_assertion")
                .containsEntry("scope", SCOPE);
        assertThat(List.copyOf(sent.form().keySet()))
                .containsExactly("grant_type", "scope", "client_assertion_type", "client_assertion");
        assertThat(sent.authorization()).isNull();
    }

    @Test
    void an_ec_p384_key_signs_es384() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa, ec);

        assertThat(withKey(ec).authorization()).contains("Bearer " + server.issued().get(0));
        assertThat(server.refusals()).isEmpty();
        assertThat(server.received()).extracting(TestTokenServer.Received::algorithm).containsExactly("ES384");
    }

    @Test
    void the_token_is_renewed_a_minute_before_it_expires_with_a_fresh_assertion() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        ClientCredentialsAuth auth = withKey(rsa);
        String first = auth.authorization().orElseThrow();

        clock.advance(Duration.ofSeconds(59));
        assertThat(auth.authorization()).contains(first);
        clock.advance(Duration.ofSeconds(2));
        String second = auth.authorization().orElseThrow();

        assertThat(second).isNotEqualTo(first).isEqualTo("Bearer " + server.issued().get(1));
        assertThat(server.tokensIssued()).isEqualTo(2);
        assertThat(server.refusals()).isEmpty();
        assertThat(server.received()).extracting(TestTokenServer.Received::jti).doesNotHaveDuplicates();
    }

    @Test
    void without_expires_in_a_token_is_taken_to_last_five_minutes() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        server.expiresIn = null;
        ClientCredentialsAuth auth = withKey(rsa);

        auth.authorization();
        clock.advance(Duration.ofSeconds(239));
        auth.authorization();
        assertThat(server.tokensIssued()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        auth.authorization();
        assertThat(server.tokensIssued()).isEqualTo(2);
    }

    @Test
    void a_token_the_fhir_server_rejected_is_dropped_and_the_next_request_fetches_another() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        ClientCredentialsAuth auth = withKey(rsa);
        String first = auth.authorization().orElseThrow();

        auth.rejected();

        assertThat(auth.authorization()).get().isNotEqualTo(first);
        assertThat(server.tokensIssued()).isEqualTo(2);
    }

    @Test
    void threads_asking_at_once_share_one_fetch() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        ClientCredentialsAuth auth = withKey(rsa);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> asks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                asks.add(() -> auth.authorization().orElseThrow());
            }
            HashSet<String> headers = new HashSet<>();
            for (Future<String> answer : pool.invokeAll(asks)) {
                headers.add(answer.get());
            }
            assertThat(headers).hasSize(1);
            assertThat(server.tokensIssued()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_key_the_server_does_not_know_is_refused_for_good_and_the_message_holds_no_assertion() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        ClientCredentialsAuth auth = withKey(otherRsa);

        FhirException refused = catchThrowableOfType(FhirException.class, auth::authorization);

        assertThat(refused.retryable()).isFalse();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.getMessage()).contains("invalid_client").contains("bad signature")
                .doesNotContain(server.received().get(0).form().get("client_assertion"))
                .doesNotContain(server.received().get(0).form().get("client_assertion").split("\\.")[2]);
        assertThat(server.tokensIssued()).isZero();
    }

    @Test
    void a_token_server_that_is_down_or_failing_is_worth_trying_again() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        ClientCredentialsAuth auth = withKey(rsa);
        server.failWith = 503;

        FhirException failing = catchThrowableOfType(FhirException.class, auth::authorization);
        assertThat(failing.retryable()).isTrue();
        assertThat(failing.status()).isEqualTo(503);

        server.close();
        FhirException down = catchThrowableOfType(FhirException.class, auth::authorization);
        assertThat(down.retryable()).isTrue();
        assertThat(down.status()).isZero();
        assertThat(down.getMessage()).contains(server.tokenUrl().toString()).contains("did not answer");
    }

    @Test
    void only_bearer_tokens_are_used_whatever_the_case() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        server.tokenType = "bearer";
        ClientCredentialsAuth auth = withKey(rsa);
        assertThat(auth.authorization()).contains("Bearer " + server.issued().get(0));

        server.tokenType = "DPoP";
        auth.rejected();
        FhirException refused = catchThrowableOfType(FhirException.class, auth::authorization);
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.getMessage()).contains("DPoP").doesNotContain(server.issued().get(1));
    }

    @Test
    void a_client_secret_goes_as_basic_with_the_id_and_secret_form_encoded() throws Exception {
        String secret = "pä55 w:rd+/";
        server = TestTokenServer.withSecret(clock, "safelight endpoint", secret);
        ClientCredentialsAuth auth = auth(ClientCredentials.withSecret(server.tokenUrl(), "safelight endpoint", secret,
                SCOPE));

        assertThat(auth.authorization()).contains("Bearer " + server.issued().get(0));
        TestTokenServer.Received sent = server.received().get(0);
        assertThat(sent.authorization()).isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString(
                "safelight+endpoint:p%C3%A455+w%3Ard%2B%2F".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(List.copyOf(sent.form().keySet())).containsExactly("grant_type", "scope");
        assertThat(auth.describe()).contains("client_secret_basic").doesNotContain(secret);
    }

    @Test
    void a_wrong_secret_is_refused_for_good_without_repeating_it() throws Exception {
        server = TestTokenServer.withSecret(clock, CLIENT, "the-right-one");
        String wrong = "not-the-right-secret";
        ClientCredentialsAuth auth = auth(ClientCredentials.withSecret(server.tokenUrl(), CLIENT, wrong, SCOPE));

        FhirException refused = catchThrowableOfType(FhirException.class, auth::authorization);

        assertThat(refused.retryable()).isFalse();
        assertThat(refused.getMessage()).contains("invalid_client").doesNotContain(wrong);
        assertThat(server.refusals()).singleElement().asString().contains(wrong);
    }

    @Test
    void describe_and_to_string_name_the_client_and_key_never_the_token() throws Exception {
        server = TestTokenServer.withKeys(clock, CLIENT, rsa);
        ClientCredentialsAuth auth = withKey(rsa);
        auth.authorization();
        String token = server.issued().get(0);

        assertThat(auth.describe()).contains(CLIENT, "RS384", "rsa-1").doesNotContain(token);
        assertThat(auth.toString()).doesNotContain(token).doesNotContain(rsa.getPrivateExponent().toString());
    }
}
