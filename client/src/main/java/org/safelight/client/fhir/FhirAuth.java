package org.safelight.client.fhir;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How requests to a FHIR server are authenticated: none (testing only), HTTP Basic, or an OAuth2
 * client-credentials token (SMART backend services; {@code org.safelight.client.fhir.auth}).
 * Implementations are thread-safe.
 */
public interface FhirAuth {

    /** The {@code Authorization} header for the next request, or empty for none. */
    Optional<String> authorization() throws FhirException;

    /** The server answered 401 to the header last given: drop a cached token so the next one is fresh. */
    default void rejected() {
    }

    /** For logs and status pages: the mode and the user or client, never a secret. */
    String describe();

    static FhirAuth none() {
        return new FhirAuth() {
            @Override
            public Optional<String> authorization() {
                return Optional.empty();
            }

            @Override
            public String describe() {
                return "none";
            }
        };
    }

    static FhirAuth basic(String user, String password) {
        if (user == null || user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic user name is not empty and has no ':'");
        }
        String header = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new FhirAuth() {
            @Override
            public Optional<String> authorization() {
                return Optional.of(header);
            }

            @Override
            public String describe() {
                return "basic as " + user;
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }
}
