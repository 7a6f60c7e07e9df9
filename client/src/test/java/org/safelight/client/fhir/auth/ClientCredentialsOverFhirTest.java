package org.safelight.client.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.client.fhir.testing.Recorded;

/** The FHIR client with a SMART backend-services token: the FHIR server takes only tokens the token server issued. */
class ClientCredentialsOverFhirTest {
    @Test
    void a_token_the_fhir_server_stops_taking_is_replaced_and_the_search_tried_again() throws Exception {
        SettableClock clock = new SettableClock(Instant.now());
        ECKey key = new ECKeyGenerator(Curve.P_384).keyID("endpoint-key").generate();
        Set<String> revoked = ConcurrentHashMap.newKeySet();
        try (TestTokenServer tokens = TestTokenServer.withKeys(clock, "safelight", key);
                FhirTestServer fhir = FhirTestServer.start(FhirVersion.R4, FhirTestServer.Options.bearer(
                        t -> tokens.issued().contains(t) && !revoked.contains(t)))) {
            fhir.addPractitioner("Dr.", "Gregory", "House", "house@example.org");
            FhirClient client = new FhirClient(fhir.baseUrl(), FhirVersion.R4, new ClientCredentialsAuth(
                    ClientCredentials.withKey(tokens.tokenUrl(), "safelight", key, "system/Practitioner.read"),
                    HttpClient.newHttpClient(), clock));

            assertThat(client.practitioners(Map.of())).hasSize(1);
            assertThat(client.practitioners(Map.of("email", "house@example.org"))).hasSize(1);
            assertThat(tokens.tokensIssued()).isEqualTo(1);

            revoked.add(tokens.issued().get(0));
            assertThat(client.practitioners(Map.of())).hasSize(1);

            assertThat(tokens.tokensIssued()).isEqualTo(2);
            assertThat(tokens.refusals()).isEmpty();
            // the server may write the last request down just after answering it
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (fhir.requests().size() < 4 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(5_000_000L);
            }
            assertThat(fhir.requests()).extracting(Recorded::status).containsExactly(200, 200, 401, 200);
        }
    }
}
