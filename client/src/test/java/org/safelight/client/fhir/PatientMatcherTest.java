package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.safelight.client.fhir.PatientMatch.How;
import org.safelight.client.fhir.PatientMatch.Linked;
import org.safelight.client.fhir.PatientMatch.NeedsPerson;
import org.safelight.client.fhir.PatientMatch.Reason;

/** The matching rules, call by call: which searches are made in which order, and what each answer concludes. */
class PatientMatcherTest {
    private static final String BY_ID = "Patient?identifier=H-123";
    private static final String BY_NAME = "Patient?given=Zoë&family=Müller-Lüdenscheidt&birthdate=1980-04-09";
    private static final String BY_FAMILY = "Patient?family=Müller-Lüdenscheidt&birthdate=1980-04-09";

    private static final PatientDetails REPORT = new PatientDetails("Zoë", "Müller-Lüdenscheidt", "1980-04-09", "H-123");
    private static final PatientDetails NO_ID = new PatientDetails("Zoë", "Müller-Lüdenscheidt", "1980-04-09", "");

    private static final FhirPatient ZOE = patient("1", "Zoë", "Müller-Lüdenscheidt", "1980-04-09", "urn:hospital|H-123");

    private final RecordingFhirSearch server = new RecordingFhirSearch();

    private static FhirPatient patient(String id, String given, String family, String birthDate, String... identifiers) {
        return new FhirPatient("Patient/" + id, given, family, birthDate, List.of(identifiers));
    }

    private PatientMatch match(PatientDetails details) throws FhirException {
        return new PatientMatcher(server, Optional.empty()).match(details);
    }

    @Test
    void a_patient_id_whose_one_record_agrees_links_with_that_one_search_only() throws FhirException {
        FhirPatient written = patient("1", "  ZOE ", "muller-ludenscheidt", "1980-04-09", "urn:hospital|h-123");
        server.answer(BY_ID, written)
                .answer(BY_NAME, ZOE, patient("2", "Zoë", "Müller-Lüdenscheidt", "1980-04-09"));

        assertThat(match(REPORT)).isEqualTo(new Linked(written, How.PATIENT_ID));
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void the_institutions_identifier_system_goes_into_the_search_and_must_be_the_records() throws FhirException {
        String call = "Patient?identifier=urn:hospital|H-123";
        server.answer(call, patient("9", "Zoë", "Müller-Lüdenscheidt", "1980-04-09", "urn:other|H-123"));
        PatientMatcher matcher = new PatientMatcher(server, Optional.of("urn:hospital"));

        assertThat(matcher.match(REPORT)).isEqualTo(new NeedsPerson(Reason.NO_MATCH, List.of()));
        assertThat(server.calls()).containsExactly(call, BY_NAME, BY_FAMILY);

        server.answer(call, ZOE);
        assertThat(matcher.match(REPORT)).isEqualTo(new Linked(ZOE, How.PATIENT_ID));
    }

    @Test
    void a_patient_id_whose_record_has_another_family_name_is_a_conflict_with_that_record() throws FhirException {
        FhirPatient other = patient("1", "Zoë", "Meyer", "1980-04-09", "|H-123");
        server.answer(BY_ID, other).answer(BY_NAME, ZOE);

        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.ID_CONFLICT, List.of(other)));
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void a_patient_id_whose_record_has_another_birth_date_or_given_name_is_a_conflict() throws FhirException {
        for (FhirPatient other : List.of(
                patient("1", "Zoë", "Müller-Lüdenscheidt", "1980-09-04", "|H-123"),
                patient("1", "Zoë", "Müller-Lüdenscheidt", "1980", "|H-123"),
                patient("1", "Zoe-Anne", "Müller-Lüdenscheidt", "1980-04-09", "|H-123"))) {
            RecordingFhirSearch server = new RecordingFhirSearch().answer(BY_ID, other).answer(BY_NAME, ZOE);

            assertThat(new PatientMatcher(server, Optional.empty()).match(REPORT)).as(other.toString())
                    .isEqualTo(new NeedsPerson(Reason.ID_CONFLICT, List.of(other)));
            assertThat(server.calls()).containsExactly(BY_ID);
        }
    }

    @Test
    void several_records_holding_the_patient_id_need_a_person_and_no_name_search_is_made() throws FhirException {
        FhirPatient twin = patient("2", "Zoë", "Müller-Lüdenscheidt", "1980-04-09", "|H-123");
        server.answer(BY_ID, ZOE, twin).answer(BY_NAME, ZOE);

        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ZOE, twin)));
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void an_unknown_patient_id_goes_on_by_name_and_birth_date() throws FhirException {
        server.answer(BY_NAME, ZOE);

        assertThat(match(REPORT)).isEqualTo(new Linked(ZOE, How.NAME_AND_BIRTH_DATE));
        assertThat(server.calls()).containsExactly(BY_ID, BY_NAME);
    }

    @Test
    void records_a_server_returns_without_the_patient_id_are_not_found_by_it() throws FhirException {
        // a server that ignores the identifier parameter answers everyone
        server.answer(BY_ID, patient("5", "Zoë", "Müller-Lüdenscheidt", "1980-04-09", "|H-999"));

        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.NO_MATCH, List.of()));
        assertThat(server.calls()).containsExactly(BY_ID, BY_NAME, BY_FAMILY);
    }

    @Test
    void one_exact_match_on_given_family_and_birth_date_links_whatever_the_case_and_accents() throws FhirException {
        FhirPatient written = patient("7", "ZOE", " muller-ludenscheidt", "1980-04-09");
        server.answer(BY_NAME, written);

        assertThat(match(NO_ID)).isEqualTo(new Linked(written, How.NAME_AND_BIRTH_DATE));
        assertThat(server.calls()).containsExactly(BY_NAME);
    }

    @Test
    void several_exact_matches_need_a_person() throws FhirException {
        FhirPatient twin = patient("2", "zoe", "Müller-Lüdenscheidt", "1980-04-09");
        server.answer(BY_NAME, ZOE, twin);

        assertThat(match(NO_ID)).isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ZOE, twin)));
        assertThat(server.calls()).containsExactly(BY_NAME);
    }

    @Test
    void a_servers_prefix_match_is_not_an_exact_match_and_the_family_search_follows() throws FhirException {
        FhirPatient zoey = patient("3", "Zoëy", "Müller-Lüdenscheidt", "1980-04-09");
        server.answer(BY_NAME, zoey).answer(BY_FAMILY, zoey);

        assertThat(match(NO_ID)).isEqualTo(new NeedsPerson(Reason.PARTIAL_MATCH, List.of(zoey)));
        assertThat(server.calls()).containsExactly(BY_NAME, BY_FAMILY);
    }

    @Test
    void family_and_birth_date_alone_are_a_partial_match_with_every_record_found() throws FhirException {
        FhirPatient sister = patient("4", "Mia", "Müller-Lüdenscheidt", "1980-04-09");
        FhirPatient brother = patient("5", "Max", "Müller-Lüdenscheidt", "1980-04-09");
        server.answer(BY_FAMILY, sister, brother);

        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.PARTIAL_MATCH, List.of(sister, brother)));
        assertThat(server.calls()).containsExactly(BY_ID, BY_NAME, BY_FAMILY);
    }

    @Test
    void nothing_found_is_no_match_after_the_three_searches() throws FhirException {
        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.NO_MATCH, List.of()));
        assertThat(server.calls()).containsExactly(BY_ID, BY_NAME, BY_FAMILY);
    }

    @Test
    void without_a_given_name_only_the_family_search_is_made_and_it_can_only_be_partial() throws FhirException {
        server.answer(BY_FAMILY, ZOE);

        assertThat(match(new PatientDetails("", "Müller-Lüdenscheidt", "1980-04-09", "")))
                .isEqualTo(new NeedsPerson(Reason.PARTIAL_MATCH, List.of(ZOE)));
        assertThat(server.calls()).containsExactly(BY_FAMILY);
    }

    @Test
    void without_a_family_name_or_a_full_birth_date_no_name_search_is_made() throws FhirException {
        NeedsPerson notEnough = new NeedsPerson(Reason.NOT_ENOUGH_DETAILS, List.of());

        assertThat(match(new PatientDetails("Zoë", "", "1980-04-09", ""))).isEqualTo(notEnough);
        assertThat(match(new PatientDetails("Zoë", "Müller-Lüdenscheidt", "1980-04", ""))).isEqualTo(notEnough);
        assertThat(match(new PatientDetails("Zoë", "Müller-Lüdenscheidt", "", ""))).isEqualTo(notEnough);
        assertThat(server.calls()).isEmpty();

        assertThat(match(new PatientDetails("Zoë", "", "", "H-123"))).isEqualTo(notEnough);
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void a_patient_id_alone_links_only_a_record_that_agrees_with_what_the_report_says() throws FhirException {
        // the report has no birth date: the ID's record, which has one, does not agree
        server.answer(BY_ID, ZOE);

        assertThat(match(new PatientDetails("Zoë", "Müller-Lüdenscheidt", "", "H-123")))
                .isEqualTo(new NeedsPerson(Reason.ID_CONFLICT, List.of(ZOE)));
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void a_cut_short_name_search_never_links_its_one_agreeing_record() throws FhirException {
        // the server ignored given and birthdate: 200 of many records came back, the other agreeing one may be on page 3
        server.answer(BY_NAME, ZOE, patient("2", "Zoëy", "Müller-Lüdenscheidt", "1979-01-01")).truncated(BY_NAME);

        assertThat(match(NO_ID)).isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ZOE)));
        assertThat(server.calls()).containsExactly(BY_NAME);
    }

    @Test
    void a_cut_short_patient_id_search_never_links_its_one_holder() throws FhirException {
        server.answer(BY_ID, ZOE).truncated(BY_ID);

        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ZOE)));
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void a_cut_short_patient_id_search_without_a_holder_does_not_go_on_to_link_by_name() throws FhirException {
        FhirPatient someone = patient("4", "Ola", "Berg", "1950-01-01", "|H-9");
        server.answer(BY_ID, someone).truncated(BY_ID).answer(BY_NAME, ZOE);

        assertThat(match(REPORT)).isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(someone)));
        assertThat(server.calls()).containsExactly(BY_ID);
    }

    @Test
    void a_name_match_holding_another_id_in_the_institutions_system_is_an_id_conflict() throws FhirException {
        String byId = "Patient?identifier=urn:hospital|H-123";
        FhirPatient otherMrn = patient("6", "Zoë", "Müller-Lüdenscheidt", "1980-04-09", "urn:other|H-123",
                "urn:hospital|H-456");
        server.answer(BY_NAME, otherMrn);
        PatientMatcher matcher = new PatientMatcher(server, Optional.of("urn:hospital"));

        assertThat(matcher.match(REPORT)).isEqualTo(new NeedsPerson(Reason.ID_CONFLICT, List.of(otherMrn)));
        assertThat(server.calls()).containsExactly(byId, BY_NAME);

        // no ID of that system on the record, or no ID in the report: the name match links as before
        FhirPatient noMrn = patient("7", "Zoë", "Müller-Lüdenscheidt", "1980-04-09", "urn:other|H-456");
        server.answer(BY_NAME, noMrn);
        assertThat(matcher.match(REPORT)).isEqualTo(new Linked(noMrn, How.NAME_AND_BIRTH_DATE));
        server.answer(BY_NAME, otherMrn);
        assertThat(matcher.match(NO_ID)).isEqualTo(new Linked(otherMrn, How.NAME_AND_BIRTH_DATE));
    }

    @Test
    void search_values_are_escaped_as_fhir_reads_them() throws FhirException {
        match(new PatientDetails("Ann,Mary", "O|Brien$", "1980-04-09", "A\\1,2"));

        assertThat(server.calls()).containsExactly(
                "Patient?identifier=A\\\\1\\,2",
                "Patient?given=Ann\\,Mary&family=O\\|Brien\\$&birthdate=1980-04-09",
                "Patient?family=O\\|Brien\\$&birthdate=1980-04-09");
    }

    @Test
    void candidates_are_capped() throws FhirException {
        FhirPatient[] many = IntStream.range(0, 250)
                .mapToObj(i -> patient(String.valueOf(i), "Mia", "Müller-Lüdenscheidt", "1980-04-09"))
                .toArray(FhirPatient[]::new);
        server.answer(BY_FAMILY, many);

        NeedsPerson answer = (NeedsPerson) match(NO_ID);
        assertThat(answer.reason()).isEqualTo(Reason.PARTIAL_MATCH);
        assertThat(answer.candidates()).hasSize(PatientMatcher.CAP).startsWith(many[0]);
    }
}
