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

        /**
         * Why "create the patient" must not be offered for this outcome, or empty when it may be:
         * the one rule the endpoint and the CLI share. Creating is conditional on the report's patient
         * ID, so where a record already holds that ID it would quietly file to that record, the very
         * one the person was asked about; and a report without a family name or full birth date does
         * not describe a patient well enough to create one.
         */
        public java.util.Optional<String> whyNotCreate(PatientDetails details) {
            if (reason == Reason.NOT_ENOUGH_DETAILS) {
                return java.util.Optional.of("the report lacks a family name or full birth date");
            }
            // Creating is conditional on the report's patient ID: where a candidate holds it, "create"
            // would land on that very record. A candidate with ANOTHER number (an ID conflict found by
            // name) does not stop it: the report may well be about a new patient of the same name.
            boolean idTaken = !details.patientId().isEmpty() && candidates.stream()
                    .flatMap(c -> c.identifiers().stream())
                    .anyMatch(i -> i.substring(i.indexOf('|') + 1).equals(details.patientId()));
            String why = idTaken ? "a record already has the report's patient ID" : null;
            return java.util.Optional.ofNullable(why);
        }
    }

    enum How { PATIENT_ID, NAME_AND_BIRTH_DATE }

    enum Reason {
        /** Several records fit (by the ID, by the full name and birth date, or by family and birth date). */
        SEVERAL_MATCHES,
        /**
         * The record holding the report's patient ID has another name or birth date than the report;
         * or the one record with the report's name and birth date has another number in the
         * institution's patient-ID system.
         */
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
