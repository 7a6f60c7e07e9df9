package org.safelight.endpoint.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.fhir.FhirMode;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.endpoint.EndpointOptions;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.EndpointWiring;
import picocli.CommandLine;

/** The {@code --endpoint-fhir-*} flags: checked at start with one line naming the flag; no secret shown. */
class FhirOptionsTest {
    @TempDir
    Path dir;

    private EndpointSettings settings(String... args) {
        EndpointOptions options = new EndpointOptions();
        new CommandLine(options).parseArgs(args);
        return options.settings();
    }

    private String refusal(String... args) {
        try {
            settings(args);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + List.of(args));
    }

    private String[] with(String... more) throws Exception {
        List<String> all = new ArrayList<>(List.of("--endpoint-fhir-url", "https://fhir.hospital.example/r4/"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void basic_r4_document_mode_is_read_and_described_without_its_password() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "s3cret-pass\n");
        Path mapping = Files.writeString(dir.resolve("map"), "# who\n Noor@Example.org = Practitioner/7 \n\n");

        EndpointSettings s = settings(with("--endpoint-fhir-version", "r4", "--endpoint-fhir-mode", "document",
                "--endpoint-fhir-user", "safelight", "--endpoint-fhir-password-file", password.toString(),
                "--endpoint-fhir-create-patients", "--endpoint-fhir-patient-id-system", "urn:oid:1.2.3",
                "--endpoint-fhir-practitioners", mapping.toString(), "--endpoint-fhir-inline-limit", "0"));

        FhirSettings fhir = s.fhir().orElseThrow();
        assertThat(fhir.url()).hasToString("https://fhir.hospital.example/r4");
        assertThat(fhir.version()).isEqualTo(FhirVersion.R4);
        assertThat(fhir.mode()).isEqualTo(FhirMode.DOCUMENT);
        assertThat(fhir.auth()).isEqualTo(FhirSettings.Auth.BASIC);
        assertThat(fhir.createPatients()).isTrue();
        assertThat(fhir.patientIdSystem()).contains("urn:oid:1.2.3");
        assertThat(fhir.practitioners()).isEqualTo(Map.of("noor@example.org", "Practitioner/7"));
        assertThat(fhir.inlineLimit()).isZero();
        String described = new EndpointWiring(s).describe().get("endpoint-fhir");
        assertThat(described).contains("https://fhir.hospital.example/r4", "r4", "document", "basic as safelight")
                .doesNotContain("s3cret");
        assertThat(s.toString()).doesNotContain("s3cret");
        assertThat(FhirAuths.of(fhir).describe()).isEqualTo("basic as safelight");
    }

    @Test
    void client_credentials_take_a_pem_key_file_and_a_weak_key_is_refused_naming_its_flag() throws Exception {
        Path key = pem("ec", 384, "EC");
        Path weak = pem("rsa", 1024, "RSA");

        EndpointSettings s = settings(with("--endpoint-fhir-token-url", "https://auth.hospital.example/token",
                "--endpoint-fhir-client-id", "safelight-endpoint", "--endpoint-fhir-client-key-file", key.toString()));
        String refused = refusal(with("--endpoint-fhir-auth", "client-credentials", "--endpoint-fhir-token-url",
                "https://auth.hospital.example/token", "--endpoint-fhir-client-id", "safelight-endpoint",
                "--endpoint-fhir-client-key-file", weak.toString()), true);

        FhirSettings fhir = s.fhir().orElseThrow();
        assertThat(fhir.auth()).isEqualTo(FhirSettings.Auth.CLIENT_CREDENTIALS);
        assertThat(FhirAuths.of(fhir).describe()).contains("safelight-endpoint", "https://auth.hospital.example/token");
        assertThat(new EndpointWiring(s).describe().get("endpoint-fhir")).contains("client credentials as safelight-endpoint")
                .doesNotContain("PRIVATE");
        assertThat(refused).startsWith("--endpoint-fhir-").doesNotContain("PRIVATE");
    }

    /** The settings are accepted, but building the destination's authentication is refused. */
    private String refusal(String[] args, boolean whenBuilt) {
        FhirSettings fhir = settings(args).fhir().orElseThrow();
        try {
            FhirAuths.of(fhir);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + List.of(args));
    }

    private Path pem(String name, int bits, String algorithm) throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance(algorithm);
        generator.initialize(bits);
        byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
        return Files.writeString(dir.resolve(name + ".pem"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PRIVATE KEY-----\n");
    }

    @Test
    void defaults_are_stu3_media_and_none_auth_and_no_fhir_flag_means_no_destination() throws Exception {
        FhirSettings fhir = settings(with()).fhir().orElseThrow();
        assertThat(fhir.version()).isEqualTo(FhirVersion.STU3);
        assertThat(fhir.mode()).isEqualTo(FhirMode.MEDIA);
        assertThat(fhir.auth()).isEqualTo(FhirSettings.Auth.NONE);
        assertThat(fhir.scope()).isEqualTo(FhirSettings.DEFAULT_SCOPE);
        assertThat(settings().fhir()).isEqualTo(Optional.empty());
    }

    @Test
    void each_mistake_is_one_line_naming_its_flag() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "pw");
        Path badMap = Files.writeString(dir.resolve("bad-map"), "noor@example.org Practitioner/7\n");

        assertThat(refusal("--endpoint-fhir-version", "r4")).contains("--endpoint-fhir-url");
        assertThat(refusal("--endpoint-fhir-url", "http://fhir.hospital.example/")).contains("--endpoint-fhir-url",
                "plain http");
        assertThat(refusal("--endpoint-fhir-url", "ftp://fhir.hospital.example/")).contains("--endpoint-fhir-url");
        assertThat(refusal(with("--endpoint-fhir-version", "dstu2"))).contains("--endpoint-fhir-version");
        assertThat(refusal(with("--endpoint-fhir-mode", "document"))).contains("--endpoint-fhir-mode", "r4");
        assertThat(refusal(with("--endpoint-fhir-auth", "basic"))).contains("--endpoint-fhir-user");
        assertThat(refusal(with("--endpoint-fhir-user", "u"))).contains("--endpoint-fhir-password-file");
        assertThat(refusal(with("--endpoint-fhir-user", "u", "--endpoint-fhir-password-file",
                dir.resolve("missing").toString()))).contains("--endpoint-fhir-password-file", "cannot read");
        assertThat(refusal(with("--endpoint-fhir-auth", "client-credentials"))).contains("--endpoint-fhir-token-url");
        assertThat(refusal(with("--endpoint-fhir-client-id", "c", "--endpoint-fhir-token-url",
                "https://auth.example/token"))).contains("--endpoint-fhir-client-key-file",
                "--endpoint-fhir-client-secret-file");
        assertThat(refusal(with("--endpoint-fhir-client-id", "c", "--endpoint-fhir-token-url",
                "http://auth.example/token", "--endpoint-fhir-client-secret-file", password.toString())))
                .contains("--endpoint-fhir-token-url", "plain http");
        assertThat(refusal(with("--endpoint-fhir-scope", "x"))).contains("client-credentials");
        assertThat(refusal(with("--endpoint-fhir-practitioners", badMap.toString())))
                .contains("--endpoint-fhir-practitioners", "line 1");
        assertThat(refusal(with("--endpoint-fhir-inline-limit", "-1"))).contains("--endpoint-fhir-inline-limit");
        assertThat(settings("--endpoint-fhir-url", "http://fhir.hospital.example/", "--endpoint-allow-plain-http")
                .fhir()).isPresent();
        assertThat(settings("--endpoint-fhir-url", "http://127.0.0.1:8080/fhir").fhir()).isPresent();
    }

    @Test
    void the_inline_limit_is_capped_at_16_mib() throws Exception {
        // Bigger items are read whole and base64-encoded into one resource: capped at 16 MiB.
        assertThat(refusal(with("--endpoint-fhir-inline-limit", String.valueOf(16L * 1024 * 1024 + 1))))
                .contains("--endpoint-fhir-inline-limit", "16 MiB").doesNotContain("\n");
        assertThat(refusal(with("--endpoint-fhir-inline-limit", "4294967296"))).contains("--endpoint-fhir-inline-limit");
        assertThat(settings(with("--endpoint-fhir-inline-limit", String.valueOf(16L * 1024 * 1024))).fhir()
                .orElseThrow().inlineLimit()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void a_user_and_password_in_a_url_are_refused_naming_the_flag() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "pw");
        // A user and password in the URL would be logged and shown with it: refused, without echoing them.
        assertThat(refusal("--endpoint-fhir-url", "https://safelight:s3cret@fhir.hospital.example/r4"))
                .contains("--endpoint-fhir-url", "--endpoint-fhir-user").doesNotContain("s3cret").doesNotContain("\n");
        assertThat(refusal(with("--endpoint-fhir-client-id", "c", "--endpoint-fhir-token-url",
                "https://c:s3cret@auth.example/token", "--endpoint-fhir-client-secret-file", password.toString())))
                .contains("--endpoint-fhir-token-url").doesNotContain("s3cret").doesNotContain("\n");
    }

    @Test
    void a_practitioner_id_made_only_of_dots_is_refused_in_the_mapping_file() throws Exception {
        Path dots = Files.writeString(dir.resolve("dots-map"), "noor@example.org = Practitioner/..\n");
        Path fine = Files.writeString(dir.resolve("fine-map"), "noor@example.org = Practitioner/7.a\n");

        assertThat(refusal(with("--endpoint-fhir-practitioners", dots.toString())))
                .contains("--endpoint-fhir-practitioners", "line 1");
        assertThat(settings(with("--endpoint-fhir-practitioners", fine.toString())).fhir().orElseThrow()
                .practitioners()).isEqualTo(Map.of("noor@example.org", "Practitioner/7.a"));
    }
}
