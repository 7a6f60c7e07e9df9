package org.safelight.client.fhir;

import java.util.List;

/**
 * A Practitioner as the FHIR server holds it.
 *
 * @param reference   {@code Practitioner/{id}}
 * @param display     the name as the server writes it (prefix, given, family), or the reference
 * @param emails      the {@code telecom} entries whose system is email, lower case
 * @param identifiers each identifier as {@code system|value}
 */
public record FhirPractitioner(String reference, String display, List<String> emails, List<String> identifiers) {
    public FhirPractitioner {
        emails = List.copyOf(emails);
        identifiers = List.copyOf(identifiers);
    }
}
