package org.safelight.client.fhir;

/**
 * Finds the sender's Practitioner: {@code GET /Practitioner?email={address}}; one match links,
 * several or none need a person, who is shown the seed's {@code GET /Practitioner} list.
 *
 * <p>CONTRACT (issue 11 base): the fhir-match helper implements this class.
 */
public final class PractitionerMatcher {
    private final FhirSearch search;

    public PractitionerMatcher(FhirSearch search) {
        this.search = search;
    }

    /**
     * @param email    the sender's address
     * @param verified whether a verified token vouched for it; an unverified address is never
     *                 linked by itself (the answer is NeedsPerson UNVERIFIED_SENDER with the list)
     */
    public PractitionerMatch match(String email, boolean verified) throws FhirException {
        throw new UnsupportedOperationException("issue 11: fhir-match");
    }

    FhirSearch search() {
        return search;
    }
}
