package org.safelight.endpoint.fhir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import com.nimbusds.jose.jwk.JWK;
import java.util.Optional;
import org.safelight.client.fhir.FhirAuth;
import org.safelight.client.fhir.auth.ClientCredentials;
import org.safelight.client.fhir.auth.ClientCredentialsAuth;
import org.safelight.client.fhir.auth.ClientKeys;

/** The {@link FhirAuth} of the FHIR settings, its secrets read from their files (never from flags). */
final class FhirAuths {
    private FhirAuths() {
    }

    /** @throws IllegalArgumentException naming the flag whose file cannot be used */
    static FhirAuth of(FhirSettings s) {
        return switch (s.auth()) {
            case NONE -> FhirAuth.none();
            case BASIC -> FhirAuth.basic(s.user().orElseThrow(),
                    secret(s.passwordFile().orElseThrow(), "--endpoint-fhir-password-file"));
            case CLIENT_CREDENTIALS -> clientCredentials(s);
        };
    }

    private static FhirAuth clientCredentials(FhirSettings s) {
        Optional<JWK> key = Optional.empty();
        Optional<String> secret = Optional.empty();
        if (s.clientKeyFile().isPresent()) {
            try {
                key = Optional.of(ClientKeys.load(s.clientKeyFile().get()));
            } catch (IOException e) {
                throw new IllegalArgumentException("--endpoint-fhir-client-key-file: cannot read " + s.clientKeyFile().get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--endpoint-fhir-client-key-file: " + e.getMessage());
            }
        } else {
            secret = Optional.of(secret(s.clientSecretFile().orElseThrow(), "--endpoint-fhir-client-secret-file"));
        }
        ClientCredentials credentials;
        try {
            credentials = new ClientCredentials(s.tokenUrl().orElseThrow(), s.clientId().orElseThrow(), key, secret,
                    s.scope());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--endpoint-fhir-auth client-credentials: " + e.getMessage());
        }
        return new ClientCredentialsAuth(credentials);
    }

    /** The file's text without surrounding white space; not empty. */
    static String secret(Path file, String flag) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + ": cannot read " + file);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(flag + ": the file " + file + " is empty");
        }
        return text;
    }
}
