package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safelight.client.fhir.PatientMatch.How;
import org.safelight.client.fhir.PatientMatch.Linked;
import org.safelight.client.fhir.PatientMatch.NeedsPerson;
import org.safelight.client.fhir.PatientMatch.Reason;
import org.safelight.client.fhir.testing.FhirTestServer;
import org.safelight.client.fhir.testing.Recorded;

/**
 * Both matchers over the real {@link FhirClient} and a real HAPI server (STU3 and R4, Basic auth on),
 * whose string searches are case- and accent-insensitive prefix matches like production servers':
 * each case's requests, as the server received them, are exactly the seed's calls in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MatchersOverHttpTest {
    private static final Optional<String> HOSPITAL = Optional.of("urn:hospital");
    private final Map<FhirVersion, FhirTestServer> servers = new EnumMap<>(FhirVersion.class);
    private final Map<FhirVersion, Map<String, String>> refs = new EnumMap<>(FhirVersion.class);

    @BeforeAll
    void start() {
        for (FhirVersion version : FhirVersion.values()) {
            FhirTestServer fhir = FhirTestServer.start(version);
            servers.put(version, fhir);
            refs.put(version, Map.ofEntries(
                    Map.entry("zoe", fhir.addPatient("Zoë", "Müller", "1980-04-09", "urn:hospital|H-1")),
                    Map.entry("jan", fhir.addPatient("Jan", "Kowalski", "1975-01-02", "urn:hospital|H-2")),
                    Map.entry("eva", fhir.addPatient("Eva", "Novak", "1990-03-03", "urn:hospital|H-3")),
                    Map.entry("twin1", fhir.addPatient("Tom", "Twin", "1999-09-09", "urn:hospital|H-4")),
                    Map.entry("twin2", fhir.addPatient("Tim", "Twin", "1999-09-09", "urn:hospital|H-4")),
                    Map.entry("ada", fhir.addPatient("Ada", "Lovelace", "1815-12-10")),
                    Map.entry("jose", fhir.addPatient("José", "García", "1960-06-06")),
                    Map.entry("li1", fhir.addPatient("Li", "Wei", "2001-01-01")),
                    Map.entry("li2", fhir.addPatient("Li", "Wei", "2001-01-01")),
                    Map.entry("maria", fhir.addPatient("Maria", "Rossi", "1970-07-07")),
                    Map.entry("annabel", fhir.addPatient("Annabel", "Smith", "1985-05-05")),
                    Map.entry("house", fhir.addPractitioner("Dr.", "Gregory", "House", "house@example.org")),
                    Map.entry("team1", fhir.addPractitioner(null, "Ann", "One", "team@example.org")),
                    Map.entry("team2", fhir.addPractitioner(null, "Bo", "Two", "team@example.org"))));
        }
    }

    @AfterAll
    void stop() {
        servers.values().forEach(FhirTestServer::close);
    }

    private PatientMatch match(FhirVersion version, PatientDetails details) throws FhirException {
        FhirTestServer fhir = servers.get(version);
        fhir.clearRequests();
        return new PatientMatcher(new FhirClient(fhir.baseUrl(), version, fhir.basicAuth()), HOSPITAL).match(details);
    }

    private PractitionerMatch sender(FhirVersion version, String email, boolean verified) throws FhirException {
        FhirTestServer fhir = servers.get(version);
        fhir.clearRequests();
        return new PractitionerMatcher(new FhirClient(fhir.baseUrl(), version, fhir.basicAuth())).match(email, verified);
    }

    /**
     * Every request a GET answered 200, and their targets. The server may write a request down just
     * after its answer left, so this waits (up to a deadline) for the {@code expected} count first.
     */
    private List<String> calls(FhirVersion version, int expected) {
        List<Recorded> requests = awaitRequests(servers.get(version), expected);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.status()).isEqualTo(200);
        });
        return requests.stream().map(Recorded::target).toList();
    }

    static List<Recorded> awaitRequests(FhirTestServer fhir, int expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Recorded> requests = fhir.requests();
        while (requests.size() < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000L);
            requests = fhir.requests();
        }
        return requests;
    }

    private String ref(FhirVersion version, String who) {
        return refs.get(version).get(who);
    }

    private List<String> references(PatientMatch match) {
        return match instanceof NeedsPerson n ? n.candidates().stream().map(FhirPatient::reference).toList()
                : List.of(((Linked) match).patient().reference());
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_patient_id_whose_record_agrees_links_with_one_call(FhirVersion v) throws FhirException {
        PatientMatch match = match(v, new PatientDetails("zoe", "MULLER", "1980-04-09", "H-1"));

        assertThat(match).isInstanceOf(Linked.class).extracting(m -> ((Linked) m).how()).isEqualTo(How.PATIENT_ID);
        assertThat(references(match)).containsExactly(ref(v, "zoe"));
        assertThat(calls(v, 1)).containsExactly("Patient?identifier=urn:hospital|H-1");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_patient_id_whose_record_has_another_family_name_or_birth_date_is_a_conflict(FhirVersion v) throws FhirException {
        PatientMatch family = match(v, new PatientDetails("Jan", "Nowak", "1975-01-02", "H-2"));
        assertThat(family).isInstanceOf(NeedsPerson.class).extracting(m -> ((NeedsPerson) m).reason())
                .isEqualTo(Reason.ID_CONFLICT);
        assertThat(references(family)).containsExactly(ref(v, "jan"));
        assertThat(calls(v, 1)).containsExactly("Patient?identifier=urn:hospital|H-2");

        PatientMatch birthDate = match(v, new PatientDetails("Eva", "Novak", "1990-03-04", "H-3"));
        assertThat(((NeedsPerson) birthDate).reason()).isEqualTo(Reason.ID_CONFLICT);
        assertThat(references(birthDate)).containsExactly(ref(v, "eva"));
        assertThat(calls(v, 1)).containsExactly("Patient?identifier=urn:hospital|H-3");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_patient_id_several_records_hold_needs_a_person(FhirVersion v) throws FhirException {
        PatientMatch match = match(v, new PatientDetails("Tom", "Twin", "1999-09-09", "H-4"));

        assertThat(((NeedsPerson) match).reason()).isEqualTo(Reason.SEVERAL_MATCHES);
        assertThat(references(match)).containsExactlyInAnyOrder(ref(v, "twin1"), ref(v, "twin2"));
        assertThat(calls(v, 1)).containsExactly("Patient?identifier=urn:hospital|H-4");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void an_unknown_patient_id_goes_on_with_the_seeds_name_search(FhirVersion v) throws FhirException {
        PatientMatch match = match(v, new PatientDetails("Ada", "Lovelace", "1815-12-10", "H-404"));

        assertThat(match).isEqualTo(new Linked(((Linked) match).patient(), How.NAME_AND_BIRTH_DATE));
        assertThat(references(match)).containsExactly(ref(v, "ada"));
        assertThat(calls(v, 2)).containsExactly("Patient?identifier=urn:hospital|H-404",
                "Patient?given=Ada&family=Lovelace&birthdate=1815-12-10");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void one_exact_match_links_and_several_need_a_person(FhirVersion v) throws FhirException {
        PatientMatch jose = match(v, new PatientDetails("jose", "GARCIA", "1960-06-06", ""));
        assertThat(jose).isInstanceOf(Linked.class);
        assertThat(references(jose)).containsExactly(ref(v, "jose"));
        assertThat(calls(v, 1)).containsExactly("Patient?given=jose&family=GARCIA&birthdate=1960-06-06");

        PatientMatch li = match(v, new PatientDetails("Li", "Wei", "2001-01-01", ""));
        assertThat(((NeedsPerson) li).reason()).isEqualTo(Reason.SEVERAL_MATCHES);
        assertThat(references(li)).containsExactlyInAnyOrder(ref(v, "li1"), ref(v, "li2"));
        assertThat(calls(v, 1)).containsExactly("Patient?given=Li&family=Wei&birthdate=2001-01-01");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void family_and_birth_date_alone_or_a_prefix_of_the_given_name_are_only_partial(FhirVersion v) throws FhirException {
        PatientMatch mario = match(v, new PatientDetails("Mario", "Rossi", "1970-07-07", ""));
        assertThat(((NeedsPerson) mario).reason()).isEqualTo(Reason.PARTIAL_MATCH);
        assertThat(references(mario)).containsExactly(ref(v, "maria"));
        assertThat(calls(v, 2)).containsExactly("Patient?given=Mario&family=Rossi&birthdate=1970-07-07",
                "Patient?family=Rossi&birthdate=1970-07-07");

        // the server finds Annabel for given=Anna (a prefix); that is no exact match
        PatientMatch anna = match(v, new PatientDetails("Anna", "Smith", "1985-05-05", ""));
        assertThat(((NeedsPerson) anna).reason()).isEqualTo(Reason.PARTIAL_MATCH);
        assertThat(references(anna)).containsExactly(ref(v, "annabel"));
        assertThat(calls(v, 2)).containsExactly("Patient?given=Anna&family=Smith&birthdate=1985-05-05",
                "Patient?family=Smith&birthdate=1985-05-05");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void nobody_found_is_no_match_and_too_few_details_search_nothing(FhirVersion v) throws FhirException {
        assertThat(match(v, new PatientDetails("Nobody", "Nowhere", "2000-02-02", "")))
                .isEqualTo(new NeedsPerson(Reason.NO_MATCH, List.of()));
        assertThat(calls(v, 2)).containsExactly("Patient?given=Nobody&family=Nowhere&birthdate=2000-02-02",
                "Patient?family=Nowhere&birthdate=2000-02-02");

        assertThat(match(v, new PatientDetails("Ada", "Lovelace", "1815", "")))
                .isEqualTo(new NeedsPerson(Reason.NOT_ENOUGH_DETAILS, List.of()));
        assertThat(calls(v, 0)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_verified_sender_one_practitioner_has_links_with_one_call(FhirVersion v) throws FhirException {
        PractitionerMatch match = sender(v, "House@Example.org", true);

        assertThat(match).isInstanceOf(PractitionerMatch.Linked.class);
        assertThat(((PractitionerMatch.Linked) match).practitioner().reference()).isEqualTo(ref(v, "house"));
        assertThat(calls(v, 1)).containsExactly("Practitioner?email=House@Example.org");
    }

    @ParameterizedTest
    @EnumSource(FhirVersion.class)
    void a_shared_unknown_or_unverified_address_needs_a_person(FhirVersion v) throws FhirException {
        PractitionerMatch team = sender(v, "team@example.org", true);
        assertThat(((PractitionerMatch.NeedsPerson) team).reason()).isEqualTo(PractitionerMatch.Reason.SEVERAL_MATCHES);
        assertThat(((PractitionerMatch.NeedsPerson) team).candidates()).extracting(FhirPractitioner::reference)
                .containsExactlyInAnyOrder(ref(v, "team1"), ref(v, "team2"));
        assertThat(calls(v, 1)).containsExactly("Practitioner?email=team@example.org");

        PractitionerMatch unknown = sender(v, "stranger@example.org", true);
        assertThat(((PractitionerMatch.NeedsPerson) unknown).reason()).isEqualTo(PractitionerMatch.Reason.UNKNOWN_SENDER);
        assertThat(((PractitionerMatch.NeedsPerson) unknown).candidates()).extracting(FhirPractitioner::reference)
                .containsExactlyInAnyOrder(ref(v, "house"), ref(v, "team1"), ref(v, "team2"));
        assertThat(calls(v, 2)).containsExactly("Practitioner?email=stranger@example.org", "Practitioner");

        PractitionerMatch unverified = sender(v, "house@example.org", false);
        assertThat(((PractitionerMatch.NeedsPerson) unverified).reason())
                .isEqualTo(PractitionerMatch.Reason.UNVERIFIED_SENDER);
        assertThat(((PractitionerMatch.NeedsPerson) unverified).candidates()).hasSize(3);
        assertThat(calls(v, 1)).containsExactly("Practitioner");
    }
}
