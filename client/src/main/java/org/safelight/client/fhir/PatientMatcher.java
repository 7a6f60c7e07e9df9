package org.safelight.client.fhir;

import java.util.Optional;

/**
 * Finds the report's patient on the FHIR server, never guessing (DESIGN §6, issue 11):
 * a patient ID is searched first as an identifier ({@code GET /Patient?identifier=[system|]ID});
 * then the seed's {@code GET /Patient?given=&family=&birthdate=}; then {@code GET
 * /Patient?family=&birthdate=}. One exact match links; anything else needs a person.
 *
 * <p>CONTRACT (issue 11 base): the fhir-match helper implements this class.
 */
public final class PatientMatcher {
    private final FhirSearch search;
    private final Optional<String> idSystem;

    /** @param idSystem the identifier system the institution's patient IDs (hospital numbers) have, if it names one */
    public PatientMatcher(FhirSearch search, Optional<String> idSystem) {
        this.search = search;
        this.idSystem = idSystem;
    }

    public PatientMatch match(PatientDetails details) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-match");
    }

    FhirSearch search() {
        return search;
    }

    Optional<String> idSystem() {
        return idSystem;
    }
}
