package org.safelight.client.fhir;

import java.util.List;

/**
 * What patient matching concluded. Only {@link Linked} files anything; every other outcome waits
 * for a person (the endpoint parks the delivery; the CLI asks at the terminal).
 */
public sealed interface PatientMatch {

    /** Exactly one record agrees with the report: by its patient ID, or by given + family + birth date. */
    record Linked(FhirPatient patient, How how) implements PatientMatch {
    }

    /** A person must pick one of {@code candidates} (possibly none) or create the patient. */
    record NeedsPerson(Reason reason, List<FhirPatient> candidates) implements PatientMatch {
        public NeedsPerson {
            candidates = List.copyOf(candidates);
        }
    }

    enum How { PATIENT_ID, NAME_AND_BIRTH_DATE }

    enum Reason {
        /** Several records fit (by the ID, by the full name and birth date, or by family and birth date). */
        SEVERAL_MATCHES,
        /** The record holding the report's patient ID has another name or birth date than the report. */
        ID_CONFLICT,
        /** No record fits; {@code candidates} is empty. */
        NO_MATCH,
        /** Only the family name and birth date fit one or more records: the given name differs. */
        PARTIAL_MATCH,
        /** The report lacks what matching needs (a family name and full birth date, or a patient ID). */
        NOT_ENOUGH_DETAILS;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
