package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.testing.FhirTestServer;

/**
 * {@code send --to fhir:URL --fhir-auth client-credentials}: the CLI signs a client assertion with
 * the key file, trades it at the token server for a bearer token, and files with that token into a
 * FHIR server that takes only it. The token server here checks the assertion's signature with the
 * registered public key, its issuer, subject and audience, as a hospital's would.
 */
class SendToFhirWithClientCredentialsTest {
    private static final String CLIENT = "safelight-cli";
    private static final String TOKEN = "granted-token-1";

    @TempDir
    Path dir;

    private HttpServer tokens;
    private String tokenUrl;
    private ECKey registered;
    private final List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
    private FhirTestServer fhir;
    private Path report;

    @BeforeEach
    void start() throws Exception {
        registered = new ECKeyGenerator(Curve.P_384).keyID("cli-key").generate();
        tokens = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokens.createContext("/token", this::token);
        tokens.start();
        tokenUrl = "http://127.0.0.1:" + tokens.getAddress().getPort() + "/token";
        fhir = FhirTestServer.start(FhirVersion.R4, FhirTestServer.Options.bearerToken(TOKEN));

        Fixtures.draft(dir.resolve("draft"));
        Cli.Result seal = Cli.run("seal", dir.resolve("draft").toString(), "-o", dir.resolve("sealed") + "/", "--plain");
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sealed = Files.list(dir.resolve("sealed"))) {
            report = sealed.findFirst().orElseThrow();
        }
    }

    @AfterEach
    void stop() {
        fhir.close();
        tokens.stop(0);
    }

    /** Grants {@link #TOKEN} to a client assertion that the registered key signed for this token URL. */
    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        asked.add(form);
        boolean valid;
        try {
            SignedJWT jwt = SignedJWT.parse(form.getOrDefault("client_assertion", ""));
            valid = "client_credentials".equals(form.get("grant_type"))
                    && jwt.verify(new ECDSAVerifier(registered.toECPublicKey()))
                    && CLIENT.equals(jwt.getJWTClaimsSet().getIssuer())
                    && CLIENT.equals(jwt.getJWTClaimsSet().getSubject())
                    && jwt.getJWTClaimsSet().getAudience().contains(tokenUrl);
        } catch (Exception e) {
            valid = false;
        }
        String body = valid ? "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"bearer\",\"expires_in\":300}"
                : "{\"error\":\"invalid_client\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(valid ? 200 : 400, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Cli.Result send(Path keyFile) {
        return Cli.run("send", report.toString(), "--to", "fhir:" + fhir.baseUrl(), "--fhir-version", "r4",
                "--fhir-auth", "client-credentials", "--fhir-token-url", tokenUrl, "--fhir-client-id", CLIENT,
                "--fhir-client-key-file", keyFile.toString(), "--practitioner", "Practitioner/1", "--create-patient");
    }

    @Test
    void a_signed_client_assertion_gets_the_token_that_files_the_report() throws IOException {
        assertThat(fhir.addPractitioner("Dr.", "Noor", "Haddad", "noor@example.org")).isEqualTo("Practitioner/1");
        Path key = Files.writeString(dir.resolve("client-key.json"), registered.toJSONString());

        Cli.Result sent = send(key);

        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        assertThat(fhir.count("DocumentManifest")).isEqualTo(1);
        assertThat(asked).hasSize(1); // one token for every call of the send
        assertThat(asked.get(0).get("scope")).isEqualTo(FhirServerOptions.DEFAULT_SCOPE);
        assertThat(asked.get(0).get("client_assertion_type"))
                .isEqualTo("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    }

    @Test
    void a_key_the_token_server_does_not_know_is_refused_in_one_line_with_exit_5() throws Exception {
        Path other = Files.writeString(dir.resolve("other-key.json"),
                new ECKeyGenerator(Curve.P_384).keyID("cli-key").generate().toJSONString());

        Cli.Result refused = send(other);

        assertThat(refused.exitCode()).isEqualTo(5);
        assertThat(refused.errLines()).hasSize(1);
        assertThat(refused.errLines().get(0)).startsWith("safelight: the token server " + tokenUrl + " refused the client")
                .contains("check --fhir-client-id and --fhir-client-key-file");
        assertThat(fhir.count("DocumentManifest") + fhir.count("Patient")).isZero();
    }

    @Test
    void client_credentials_options_are_checked_before_anything_is_sent() throws IOException {
        Cli.Result missing = Cli.run("send", report.toString(), "--to", "fhir:" + fhir.baseUrl(), "--fhir-auth",
                "client-credentials", "--fhir-client-id", CLIENT);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.errLines()).containsExactly("safelight: --fhir-auth client-credentials needs"
                + " --fhir-token-url URL and --fhir-client-id ID");

        Cli.Result plain = Cli.run("send", report.toString(), "--to", "fhir:" + fhir.baseUrl(), "--fhir-token-url",
                "http://auth.hospital.example/token", "--fhir-client-id", CLIENT, "--fhir-client-secret-file",
                Files.writeString(dir.resolve("secret"), "s3cret\n").toString());
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.errLines()).hasSize(1);
        assertThat(plain.errLines().get(0)).contains("the token URL must be https").doesNotContain("s3cret");
        assertThat(asked).isEmpty();
    }
}
