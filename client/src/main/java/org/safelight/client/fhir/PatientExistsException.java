package org.safelight.client.fhir;

import java.util.List;

/**
 * "Create the patient" did not create one: the conditional create found a record that already has
 * the report's patient ID (200), or several (412). Nothing was filed; a person must pick among
 * {@code holders} (or fix the report).
 */
public final class PatientExistsException extends FilingConflictException {
    private static final long serialVersionUID = 1L;
    private final transient List<FhirPatient> holders;
    private final boolean several;

    public PatientExistsException(List<FhirPatient> holders, boolean several) {
        super("the patient was not created: " + (several ? "several records on the FHIR server have"
                : "a record on the FHIR server has") + " the report's patient ID ("
                + String.join(", ", holders.stream().map(FhirPatient::reference).toList()) + ")");
        this.holders = List.copyOf(holders);
        this.several = several;
    }

    public List<FhirPatient> holders() {
        return holders;
    }

    /** Several records hold the ID (412), rather than one (200). */
    public boolean several() {
        return several;
    }
}
