package org.safelight.cli;

import java.util.Optional;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirMode;
import picocli.CommandLine.Option;

/**
 * How {@code send --to fhir:URL} files a report, and the answers a script gives instead of a person
 * at the terminal: who the sender is ({@code --practitioner}) and who the patient is
 * ({@code --patient}, or {@code --create-patient} when no record fits).
 */
final class FhirFilingOptions {
    @Option(names = "--fhir-mode", paramLabel = "media|document", defaultValue = "media",
            description = "fhir: media (the seed's Media + Binary + DocumentManifest) or document (R4 only:"
                    + " DocumentReferences to Binaries) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--practitioner", paramLabel = "Practitioner/ID",
            description = "fhir: you, as the server's Practitioner (see 'safelight fhir practitioners URL'); without it"
                    + " the server's list is shown to pick from.")
    String practitioner;

    @Option(names = "--patient", paramLabel = "Patient/ID",
            description = "fhir: file for this patient, without matching (for scripts, after a run that listed the"
                    + " candidates).")
    String patient;

    @Option(names = "--create-patient",
            description = "fhir: when no patient record fits the report exactly, create one (POST /Patient) instead of"
                    + " asking; an exact match is still used.")
    boolean createPatient;

    @Option(names = "--fhir-patient-id-system", paramLabel = "URI",
            description = "fhir: the identifier system of the institution's patient IDs (hospital numbers), if it has"
                    + " one: the report's patient ID is searched and created with it.")
    String patientIdSystem;

    /** Whether any option beyond the defaults was given (they mean nothing for another --to). */
    boolean given() {
        return practitioner != null || patient != null || createPatient || patientIdSystem != null
                || !"media".equalsIgnoreCase(mode);
    }

    FhirMode mode() {
        try {
            return FhirMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--fhir-mode: " + e.getMessage());
        }
    }

    Optional<String> idSystem() {
        return patientIdSystem == null || patientIdSystem.isBlank() ? Optional.empty()
                : Optional.of(patientIdSystem.strip());
    }

    /** Refuses answers that contradict each other or are not references of the right type. */
    void check() {
        if (patient != null && createPatient) {
            throw new Failures.UsageException("give --patient or --create-patient, not both");
        }
        if (practitioner != null && !FhirClient.isReference("Practitioner", practitioner)) {
            throw new Failures.UsageException("--practitioner must be a reference like Practitioner/12, not '"
                    + practitioner + "'");
        }
        if (patient != null && !FhirClient.isReference("Patient", patient)) {
            throw new Failures.UsageException("--patient must be a reference like Patient/34, not '" + patient + "'");
        }
    }
}
