package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.safelight.client.fhir.PatientMatch.NeedsPerson;
import org.safelight.client.fhir.PatientMatch.Reason;

/** When "create the patient" is offered: the one rule the endpoint and the CLI share. */
class CreatingAPatientTest {
    private static final String MRN = "urn:oid:1.2.36.146.595.217.0.1";
    private static final PatientDetails REPORT = new PatientDetails("Joe", "Patient", "1961-03-07", "MRN-204817");

    private static FhirPatient record(String id, String mrn) {
        return new FhirPatient("Patient/" + id, "Joe", "Patient", "1961-03-07", List.of(MRN + "|" + mrn));
    }

    @Test
    void not_when_a_candidate_holds_the_reports_patient_id_whatever_the_reason() {
        for (Reason reason : List.of(Reason.ID_CONFLICT, Reason.SEVERAL_MATCHES, Reason.PARTIAL_MATCH)) {
            NeedsPerson need = new NeedsPerson(reason, List.of(record("1", "MRN-7731"), record("2", "MRN-204817")));
            assertThat(need.whyNotCreate(REPORT)).as("%s", reason).contains("a record already has the report's patient ID");
        }
    }

    @Test
    void an_id_conflict_found_by_name_may_still_be_a_new_patient_of_the_same_name() {
        NeedsPerson need = new NeedsPerson(Reason.ID_CONFLICT, List.of(record("1", "MRN-7731")));

        assertThat(need.whyNotCreate(REPORT)).isEmpty();
    }

    @Test
    void not_without_a_family_name_or_full_birth_date_and_yes_when_nobody_fits() {
        assertThat(new NeedsPerson(Reason.NOT_ENOUGH_DETAILS, List.of()).whyNotCreate(REPORT))
                .contains("the report lacks a family name or full birth date");
        assertThat(new NeedsPerson(Reason.NO_MATCH, List.of()).whyNotCreate(REPORT)).isEmpty();
        assertThat(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(record("1", "MRN-7731"), record("2", "MRN-9120")))
                .whyNotCreate(REPORT)).isEmpty();
    }
}
