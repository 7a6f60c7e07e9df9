package org.safelight.client.fhir;

import org.safelight.format.report.ReportMetadata;

/**
 * The patient as the report names them: what matching searches with.
 *
 * @param given     first name, or ""
 * @param family    last name, or ""
 * @param birthDate {@code YYYY-MM-DD}, or "" when the report has no full date of birth
 * @param patientId the ID the clinician entered (a hospital number), or ""
 */
public record PatientDetails(String given, String family, String birthDate, String patientId) {
    public PatientDetails {
        given = given == null ? "" : given.strip();
        family = family == null ? "" : family.strip();
        birthDate = birthDate == null ? "" : birthDate.strip();
        patientId = patientId == null ? "" : patientId.strip();
    }

    public static PatientDetails of(ReportMetadata.Patient p) {
        String dob = p.dateOfBirth();
        return new PatientDetails(p.firstname(), p.lastname(), dob.matches("\\d{4}-\\d{2}-\\d{2}") ? dob : "",
                p.patientid());
    }

    public String display() {
        return (given + " " + family).strip();
    }
}
