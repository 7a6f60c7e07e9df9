package org.safelight.client.fhir;

import java.util.List;

/** Who the sender is on the FHIR server. Only {@link Linked} files anything. */
public sealed interface PractitionerMatch {

    record Linked(FhirPractitioner practitioner) implements PractitionerMatch {
    }

    /**
     * A person must pick the sender's Practitioner.
     *
     * @param candidates the server's practitioners (the seed's {@code GET /Practitioner} list), capped
     */
    record NeedsPerson(Reason reason, List<FhirPractitioner> candidates) implements PractitionerMatch {
        public NeedsPerson {
            candidates = List.copyOf(candidates);
        }
    }

    enum Reason {
        /** No Practitioner has the sender's address (or mapped identifier). */
        UNKNOWN_SENDER,
        /** Several Practitioners have it. */
        SEVERAL_MATCHES,
        /** The sender's address is only claimed (no verified token vouched for it): never linked by it alone. */
        UNVERIFIED_SENDER;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
