package org.safelight.client.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files as operators have them: a JWK, a JWK Set, or a PKCS#8 PEM from openssl or keytool. */
class ClientKeysTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static KeyPair ecPair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    @Test
    void a_private_jwk_loads_as_it_is_and_one_without_kid_gets_its_thumbprint() throws Exception {
        RSAKey named = new RSAKeyGenerator(2048).keyID("hospital-2026").generate();
        assertThat(ClientKeys.load(file("named.json", named.toJSONString()))).isEqualTo(named);

        ECKey anonymous = new ECKeyGenerator(Curve.P_384).generate();
        JWK loaded = ClientKeys.load(file("anonymous.jwk", anonymous.toJSONString()));
        assertThat(loaded.getKeyID()).isEqualTo(anonymous.computeThumbprint().toString());
        assertThat(loaded.toECKey().toECPrivateKey()).isEqualTo(anonymous.toECPrivateKey());
    }

    @Test
    void a_jwk_set_must_hold_exactly_one_private_key() throws Exception {
        RSAKey mine = new RSAKeyGenerator(2048).keyID("mine").generate();
        RSAKey other = new RSAKeyGenerator(2048).keyID("other").generate();

        Path one = file("one.json", new JWKSet(List.of(other.toPublicJWK(), mine)).toString(false));
        assertThat(ClientKeys.load(one)).isEqualTo(mine);

        Path two = file("two.json", new JWKSet(List.of(mine, other)).toString(false));
        assertThatThrownBy(() -> ClientKeys.load(two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 private keys");
        Path none = file("none.json", new JWKSet(other.toPublicJWK()).toString(false));
        assertThatThrownBy(() -> ClientKeys.load(none)).hasMessageContaining("0 private keys");
    }

    @Test
    void a_public_jwk_is_refused() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        assertThatThrownBy(() -> ClientKeys.load(file("pub.json", key.toPublicJWK().toJSONString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public");
    }

    @Test
    void a_pkcs8_rsa_pem_loads_with_its_public_half_and_signs_assertions_the_server_accepts() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();

        JWK loaded = ClientKeys.load(file("client.pem", pem(pair)));

        RSAKey expected = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build();
        assertThat(loaded.toRSAKey().toRSAPublicKey()).isEqualTo(pair.getPublic());
        assertThat(loaded.getKeyID()).isEqualTo(expected.computeThumbprint().toString());

        SettableClock clock = new SettableClock(Instant.now());
        try (TestTokenServer server = TestTokenServer.withKeys(clock, "c",
                new RSAKey.Builder(expected).keyID(loaded.getKeyID()).build())) {
            ClientCredentialsAuth auth = new ClientCredentialsAuth(
                    ClientCredentials.withKey(server.tokenUrl(), "c", loaded, "system/*.read"), HttpClient.newHttpClient(), clock);
            assertThat(auth.authorization()).contains("Bearer " + server.issued().get(0));
        }
    }

    @Test
    void a_pkcs8_ec_p384_pem_loads_with_the_public_point_it_does_not_carry() throws Exception {
        // several keys, so both signs of y are met
        for (int i = 0; i < 8; i++) {
            KeyPair pair = ecPair("secp384r1");

            JWK loaded = ClientKeys.load(file("ec" + i + ".pem", pem(pair)));

            ECKey expected = new ECKey.Builder(Curve.P_384, (ECPublicKey) pair.getPublic()).build();
            assertThat(loaded.toECKey().toECPublicKey().getW()).isEqualTo(((ECPublicKey) pair.getPublic()).getW());
            assertThat(loaded.getKeyID()).isEqualTo(expected.computeThumbprint().toString());
            assertThat(ClientCredentials.algorithmOf(loaded).getName()).isEqualTo("ES384");
        }
    }

    @Test
    void other_pem_files_are_refused_with_what_to_do() throws Exception {
        assertThatThrownBy(() -> ClientKeys.load(file("p256.pem", pem(ecPair("secp256r1")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("P-384");
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n";
        assertThatThrownBy(() -> ClientKeys.load(file("pkcs1.pem", pkcs1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> ClientKeys.load(file("junk.txt", "hello")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither a JWK");
        assertThatThrownBy(() -> ClientKeys.load(file("junk.json", "{\"kty\":\"nope\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JWK");
    }
}
