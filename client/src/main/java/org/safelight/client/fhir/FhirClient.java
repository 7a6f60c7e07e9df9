package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A FHIR server over HTTP (java.net.http), STU3 or R4 JSON: the searches and creates filing needs.
 * Requests carry {@link FhirAuth}'s header; a 401 drops a cached token and the request is tried
 * once more. Bodies stream: a raw Binary is sent from its file, never held whole in memory.
 * Thread-safe.
 *
 * <p>CONTRACT (issue 11 base): the fhir-filer helper implements this class.
 */
public final class FhirClient implements FhirSearch {
    private final URI base;
    private final FhirVersion version;
    private final FhirAuth auth;
    private final Duration timeout;

    /** @param base the server's base URL, such as {@code https://fhir.example.org/r4} (no trailing slash needed) */
    public FhirClient(URI base, FhirVersion version, FhirAuth auth) {
        this(base, version, auth, Duration.ofSeconds(60));
    }

    /** @param timeout for each request's answer; uploads of big files get their own, longer one */
    public FhirClient(URI base, FhirVersion version, FhirAuth auth, Duration timeout) {
        this.base = base;
        this.version = version;
        this.auth = auth;
        this.timeout = timeout;
    }

    public URI base() {
        return base;
    }

    public FhirVersion version() {
        return version;
    }

    public FhirAuth auth() {
        return auth;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public List<FhirPatient> patients(Map<String, String> query) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
    }

    @Override
    public List<FhirPractitioner> practitioners(Map<String, String> query) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
    }

    /** {@code GET /Patient/{id}}; empty on 404 or 410. */
    public Optional<FhirPatient> patient(String reference) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
    }

    /**
     * {@code POST /{resourceType}} of a JSON resource, conditionally ({@code If-None-Exist}) when
     * given: the search that finds an existing copy, such as {@code identifier=urn:safelight:item|R/I}.
     *
     * @return the created (or found) resource's {@code Type/id}, from Location or the answer's body
     */
    public String create(ObjectNode resource, Optional<String> ifNoneExist) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
    }

    /** {@code POST /Binary} with the file as the raw body ({@code Content-Type: contentType}), streamed. */
    public String createBinary(Path file, String contentType) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-filer");
    }
}
