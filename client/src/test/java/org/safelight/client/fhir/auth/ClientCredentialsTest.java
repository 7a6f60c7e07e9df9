package org.safelight.client.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a client-credentials configuration must be before any token is asked for. */
class ClientCredentialsTest {
    private static final URI TOKEN = URI.create("https://auth.hospital.example/oauth2/token");
    private static RSAKey rsa;

    @BeforeAll
    static void key() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID("k").generate();
    }

    @Test
    void exactly_one_of_key_and_secret() {
        assertThatThrownBy(() -> new ClientCredentials(TOKEN, "c", Optional.of(rsa), Optional.of("s"), "system/*.read"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> new ClientCredentials(TOKEN, "c", Optional.empty(), Optional.empty(), "system/*.read"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither");
        assertThat(ClientCredentials.withKey(TOKEN, "c", rsa, "system/*.read").privateKey()).contains(rsa);
    }

    @Test
    void the_token_url_is_https_unless_it_is_loopback() {
        assertThatThrownBy(() -> ClientCredentials.withSecret(URI.create("http://auth.hospital.example/token"), "c", "s", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> ClientCredentials.withSecret(URI.create("/token"), "c", "s", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientCredentials.withSecret(URI.create("https://u:p@auth.example/token"), "c", "s", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        for (String loopback : new String[] {"http://127.0.0.1:8080/t", "http://localhost/t", "http://[::1]:9/t"}) {
            assertThat(ClientCredentials.withSecret(URI.create(loopback), "c", "s", "x").tokenUrl()).hasToString(loopback);
        }
    }

    @Test
    void only_private_rsa_keys_of_2048_bits_or_ec_p384_keys_sign() throws JOSEException {
        assertThatThrownBy(() -> ClientCredentials.withKey(TOKEN, "c", rsa.toPublicJWK(), "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public");
        ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
        assertThatThrownBy(() -> ClientCredentials.withKey(TOKEN, "c", p256, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("P-384");
        RSAKey small = new RSAKeyGenerator(1024, true).generate();
        assertThatThrownBy(() -> ClientCredentials.withKey(TOKEN, "c", small, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
        assertThat(ClientCredentials.withKey(TOKEN, "c", new ECKeyGenerator(Curve.P_384).generate(), "x")).isNotNull();
    }

    @Test
    void client_id_and_scope_are_needed() {
        assertThatThrownBy(() -> ClientCredentials.withSecret(TOKEN, " ", "s", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientCredentials.withSecret(TOKEN, "c", "s", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientCredentials.withSecret(TOKEN, "c", "", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void to_string_shows_neither_the_secret_nor_the_private_key() {
        String withSecret = ClientCredentials.withSecret(TOKEN, "client-7", "hunter2-secret", "system/*.read").toString();
        assertThat(withSecret).contains("client-7", "client_secret_basic").doesNotContain("hunter2-secret");

        String withKey = ClientCredentials.withKey(TOKEN, "client-7", rsa, "system/*.read").toString();
        assertThat(withKey).contains("private_key_jwt", "RS384", "kid=k")
                .doesNotContain(rsa.getPrivateExponent().toString())
                .doesNotContain(rsa.getFirstPrimeFactor().toString());
    }
}
