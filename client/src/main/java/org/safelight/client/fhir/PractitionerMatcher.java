package org.safelight.client.fhir;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.safelight.client.fhir.PractitionerMatch.Linked;
import org.safelight.client.fhir.PractitionerMatch.NeedsPerson;
import org.safelight.client.fhir.PractitionerMatch.Reason;

/**
 * Finds the sender's Practitioner: {@code GET /Practitioner?email={address}}; one match links,
 * several or none need a person, who is shown the seed's {@code GET /Practitioner} list.
 *
 * <p>An unverified address is never searched: the answer is {@link Reason#UNVERIFIED_SENDER} with
 * the list. A server may ignore a search parameter it does not know and answer everyone, so only
 * answers that do carry the address (case aside) count; an answer cut short ({@link
 * FhirResults#truncated()}) never links, it is {@link Reason#SEVERAL_MATCHES}. Candidates are capped at
 * {@value PatientMatcher#CAP}. Thread-safe when the {@link FhirSearch} is.
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
     * @throws FhirException when a search fails; nothing was decided then
     */
    public PractitionerMatch match(String email, boolean verified) throws FhirException {
        String address = email == null ? "" : email.strip();
        if (!verified) {
            return new NeedsPerson(Reason.UNVERIFIED_SENDER, everyone());
        }
        if (address.isEmpty()) {
            return new NeedsPerson(Reason.UNKNOWN_SENDER, everyone());
        }
        String folded = address.toLowerCase(Locale.ROOT);
        FhirResults<FhirPractitioner> answered = search.practitioners(Map.of("email", MatchText.escape(address)));
        List<FhirPractitioner> found = answered.stream()
                .filter(p -> p.emails().stream().anyMatch(e -> e.strip().toLowerCase(Locale.ROOT).equals(folded)))
                .toList();
        if (answered.truncated()) {
            // those not read may hold the address too: never "exactly one"
            return new NeedsPerson(Reason.SEVERAL_MATCHES, found.isEmpty() ? everyone() : capped(found));
        }
        if (found.size() == 1) {
            return new Linked(found.get(0));
        }
        if (found.size() > 1) {
            return new NeedsPerson(Reason.SEVERAL_MATCHES, capped(found));
        }
        return new NeedsPerson(Reason.UNKNOWN_SENDER, everyone());
    }

    private List<FhirPractitioner> everyone() throws FhirException {
        return capped(search.practitioners(Map.of()));
    }

    private static List<FhirPractitioner> capped(List<FhirPractitioner> list) {
        return list.size() <= PatientMatcher.CAP ? list : list.subList(0, PatientMatcher.CAP);
    }

    FhirSearch search() {
        return search;
    }
}
