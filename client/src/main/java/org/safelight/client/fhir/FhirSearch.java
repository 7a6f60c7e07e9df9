package org.safelight.client.fhir;

import java.util.Map;

/** The searches matching needs, which {@link FhirClient} does over HTTP. */
public interface FhirSearch {

    /**
     * {@code GET /Patient?...} with the parameters in their order (for example
     * {@code given, family, birthdate} or {@code identifier}); every entry of every page, up to a cap,
     * and whether the cap cut the answer short.
     */
    FhirResults<FhirPatient> patients(Map<String, String> query) throws FhirException;

    /** {@code GET /Practitioner?...}; an empty query lists them all (the seed's call), up to a cap (and whether it cut the answer). */
    FhirResults<FhirPractitioner> practitioners(Map<String, String> query) throws FhirException;
}
