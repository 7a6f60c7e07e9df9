package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.safelight.client.fhir.PractitionerMatch.Linked;
import org.safelight.client.fhir.PractitionerMatch.NeedsPerson;
import org.safelight.client.fhir.PractitionerMatch.Reason;

/** The sender's Practitioner, call by call. */
class PractitionerMatcherTest {
    private static final String BY_EMAIL = "Practitioner?email=ana.lopez@hospital.example";
    private static final String EVERYONE = "Practitioner";

    private static final FhirPractitioner ANA = practitioner("1", "Dr Ana López", "Ana.Lopez@hospital.example");
    private static final FhirPractitioner BEN = practitioner("2", "Dr Ben Okafor", "ben.okafor@hospital.example");

    private final RecordingFhirSearch server = new RecordingFhirSearch().answer(EVERYONE, ANA, BEN);
    private final PractitionerMatcher matcher = new PractitionerMatcher(server);

    private static FhirPractitioner practitioner(String id, String display, String email) {
        return new FhirPractitioner("Practitioner/" + id, display, List.of(email.toLowerCase(java.util.Locale.ROOT)),
                List.of());
    }

    @Test
    void a_verified_address_that_one_practitioner_has_links_with_one_search() throws FhirException {
        server.answer(BY_EMAIL, ANA);

        assertThat(matcher.match(" ana.lopez@hospital.example ", true)).isEqualTo(new Linked(ANA));
        assertThat(server.calls()).containsExactly(BY_EMAIL);
    }

    @Test
    void several_practitioners_with_the_address_need_a_person_who_is_shown_those() throws FhirException {
        FhirPractitioner again = practitioner("3", "Ana López (locum)", "ana.lopez@hospital.example");
        server.answer(BY_EMAIL, ANA, again);

        assertThat(matcher.match("ana.lopez@hospital.example", true))
                .isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ANA, again)));
        assertThat(server.calls()).containsExactly(BY_EMAIL);
    }

    @Test
    void a_cut_short_email_search_never_links_its_one_holder() throws FhirException {
        server.answer(BY_EMAIL, ANA, BEN).truncated(BY_EMAIL);

        assertThat(matcher.match("ana.lopez@hospital.example", true))
                .isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ANA)));
        assertThat(server.calls()).containsExactly(BY_EMAIL);
    }

    @Test
    void a_cut_short_email_search_without_the_address_shows_the_list_as_several() throws FhirException {
        server.answer(BY_EMAIL, BEN).truncated(BY_EMAIL);

        assertThat(matcher.match("ana.lopez@hospital.example", true))
                .isEqualTo(new NeedsPerson(Reason.SEVERAL_MATCHES, List.of(ANA, BEN)));
        assertThat(server.calls()).containsExactly(BY_EMAIL, EVERYONE);
    }

    @Test
    void an_unknown_address_needs_a_person_who_is_shown_the_whole_list() throws FhirException {
        assertThat(matcher.match("ana.lopez@hospital.example", true))
                .isEqualTo(new NeedsPerson(Reason.UNKNOWN_SENDER, List.of(ANA, BEN)));
        assertThat(server.calls()).containsExactly(BY_EMAIL, EVERYONE);
    }

    @Test
    void answers_without_the_address_do_not_count_as_found() throws FhirException {
        // a server that ignores the email parameter answers everyone
        server.answer(BY_EMAIL, BEN);

        assertThat(matcher.match("ana.lopez@hospital.example", true))
                .isEqualTo(new NeedsPerson(Reason.UNKNOWN_SENDER, List.of(ANA, BEN)));
        assertThat(server.calls()).containsExactly(BY_EMAIL, EVERYONE);
    }

    @Test
    void an_unverified_address_is_never_searched_and_a_person_is_shown_the_list() throws FhirException {
        server.answer(BY_EMAIL, ANA);

        assertThat(matcher.match("ana.lopez@hospital.example", false))
                .isEqualTo(new NeedsPerson(Reason.UNVERIFIED_SENDER, List.of(ANA, BEN)));
        assertThat(server.calls()).containsExactly(EVERYONE);
    }
}
