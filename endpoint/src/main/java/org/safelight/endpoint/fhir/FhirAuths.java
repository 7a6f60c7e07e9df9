package org.safelight.endpoint.fhir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.safelight.client.fhir.FhirAuth;

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
        throw new IllegalArgumentException("--endpoint-fhir-auth client-credentials is not available in this build yet");
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
