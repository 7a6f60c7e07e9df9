package org.safelight.client.fhir;

import java.util.List;

/**
 * A Patient as the FHIR server holds it, as far as matching needs: what a person picking between
 * candidates is shown.
 *
 * @param reference   {@code Patient/{id}}
 * @param given       the first given name of the first (official, else first) name, or ""
 * @param family      that name's family, or ""
 * @param birthDate   {@code YYYY-MM-DD} as the server has it, or ""
 * @param identifiers each identifier as {@code system|value} ({@code |value} without a system)
 */
public record FhirPatient(String reference, String given, String family, String birthDate, List<String> identifiers) {
    public FhirPatient {
        identifiers = List.copyOf(identifiers);
    }

    public String display() {
        return (given + " " + family).strip();
    }
}
