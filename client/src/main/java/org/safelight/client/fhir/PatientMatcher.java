package org.safelight.client.fhir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.safelight.client.fhir.PatientMatch.How;
import org.safelight.client.fhir.PatientMatch.Linked;
import org.safelight.client.fhir.PatientMatch.NeedsPerson;
import org.safelight.client.fhir.PatientMatch.Reason;

/**
 * Finds the report's patient on the FHIR server, never guessing (DESIGN §6, issue 11):
 * a patient ID is searched first as an identifier ({@code GET /Patient?identifier=[system|]ID});
 * then the seed's {@code GET /Patient?given=&family=&birthdate=}; then {@code GET
 * /Patient?family=&birthdate=}. One exact match links; anything else needs a person.
 *
 * <ul>
 *   <li>By ID: exactly one record holding the ID whose given name, family name and birth date all
 *       agree with the report links ({@link How#PATIENT_ID}), and no other search is made; one that
 *       disagrees is an {@link Reason#ID_CONFLICT}; several are {@link Reason#SEVERAL_MATCHES}; none
 *       goes on by name.</li>
 *   <li>By name: needs a family name and a full birth date ({@link Reason#NOT_ENOUGH_DETAILS}
 *       otherwise, with no search). Exactly one answer to the first search that agrees exactly
 *       links ({@link How#NAME_AND_BIRTH_DATE}), unless the report has a patient ID and the record
 *       holds another value in the institution's identifier system ({@link Reason#ID_CONFLICT});
 *       several that agree are {@link Reason#SEVERAL_MATCHES}.
 *       Otherwise (or with no given name, when the first search is skipped) the second search's
 *       answers are a {@link Reason#PARTIAL_MATCH}, and no answer is {@link Reason#NO_MATCH}.</li>
 * </ul>
 *
 * <p>Names agree when equal once trimmed, case and accents folded; birth dates when the same
 * {@code YYYY-MM-DD} string. Servers' string searches match prefixes ("Ann" finds "Anna"), and a
 * server may ignore a parameter it does not know, so every answer is checked here again: what the
 * server returns is a candidate, never by itself a match. An answer cut short ({@link
 * FhirResults#truncated()}) may hide a second match, so it never links: it is {@link
 * Reason#SEVERAL_MATCHES}. Candidates are capped at {@value #CAP}.
 * Thread-safe when the {@link FhirSearch} is.
 */
public final class PatientMatcher {
    static final int CAP = 200;

    private final FhirSearch search;
    private final Optional<String> idSystem;

    /** @param idSystem the identifier system the institution's patient IDs (hospital numbers) have, if it names one */
    public PatientMatcher(FhirSearch search, Optional<String> idSystem) {
        this.search = search;
        this.idSystem = idSystem.map(String::strip).filter(s -> !s.isEmpty());
    }

    /** @throws FhirException when a search fails; nothing was decided then */
    public PatientMatch match(PatientDetails details) throws FhirException {
        if (!details.patientId().isEmpty()) {
            Optional<PatientMatch> byId = byId(details);
            if (byId.isPresent()) {
                return byId.get();
            }
        }
        if (details.family().isEmpty() || !MatchText.fullDate(details.birthDate())) {
            return new NeedsPerson(Reason.NOT_ENOUGH_DETAILS, List.of());
        }
        if (!details.given().isEmpty()) {
            Map<String, String> full = new LinkedHashMap<>();
            full.put("given", MatchText.escape(details.given()));
            full.put("family", MatchText.escape(details.family()));
            full.put("birthdate", details.birthDate());
            FhirResults<FhirPatient> answered = search.patients(full);
            List<FhirPatient> exact = answered.stream().filter(p -> agrees(p, details)).toList();
            if (answered.truncated() && !exact.isEmpty()) {
                // what was not read may hold another record that agrees: never "exactly one"
                return new NeedsPerson(Reason.SEVERAL_MATCHES, capped(exact));
            }
            if (exact.size() == 1) {
                FhirPatient only = exact.get(0);
                return holdsAnotherId(only, details.patientId())
                        ? new NeedsPerson(Reason.ID_CONFLICT, List.of(only))
                        : new Linked(only, How.NAME_AND_BIRTH_DATE);
            }
            if (exact.size() > 1) {
                return new NeedsPerson(Reason.SEVERAL_MATCHES, capped(exact));
            }
        }
        Map<String, String> partial = new LinkedHashMap<>();
        partial.put("family", MatchText.escape(details.family()));
        partial.put("birthdate", details.birthDate());
        List<FhirPatient> found = search.patients(partial);
        return found.isEmpty()
                ? new NeedsPerson(Reason.NO_MATCH, List.of())
                : new NeedsPerson(Reason.PARTIAL_MATCH, capped(found));
    }

    private Optional<PatientMatch> byId(PatientDetails details) throws FhirException {
        String id = details.patientId();
        String value = MatchText.escape(id);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("identifier", idSystem.map(system -> system + "|" + value).orElse(value));
        FhirResults<FhirPatient> answered = search.patients(query);
        List<FhirPatient> holders = answered.stream().filter(p -> holds(p, id)).toList();
        if (answered.truncated()) {
            // the record holding the ID (or a second one) may be among those not read
            return Optional.of(new NeedsPerson(Reason.SEVERAL_MATCHES, capped(holders.isEmpty() ? answered : holders)));
        }
        if (holders.isEmpty()) {
            return Optional.empty();
        }
        if (holders.size() > 1) {
            return Optional.of(new NeedsPerson(Reason.SEVERAL_MATCHES, capped(holders)));
        }
        FhirPatient only = holders.get(0);
        return Optional.of(agrees(only, details)
                ? new Linked(only, How.PATIENT_ID)
                : new NeedsPerson(Reason.ID_CONFLICT, List.of(only)));
    }

    /** Whether the record has the ID (in the institution's system when it names one); case aside, as servers compare tokens. */
    private boolean holds(FhirPatient patient, String id) {
        for (String identifier : patient.identifiers()) {
            int bar = identifier.indexOf('|');
            String system = bar < 0 ? "" : identifier.substring(0, bar);
            String value = bar < 0 ? identifier : identifier.substring(bar + 1);
            if (value.strip().toLowerCase(Locale.ROOT).equals(id.toLowerCase(Locale.ROOT))
                    && idSystem.map(system::equals).orElse(true)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the record has, in the institution's system, a value other than the report's ID (it
     * would have been found by the ID otherwise): another person with the same name and birth date,
     * or a mistyped ID. Without a system or a report ID nothing can be told.
     */
    private boolean holdsAnotherId(FhirPatient patient, String id) {
        if (id.isEmpty() || idSystem.isEmpty()) {
            return false;
        }
        String prefix = idSystem.get() + "|";
        return patient.identifiers().stream().filter(i -> i.startsWith(prefix))
                .anyMatch(i -> !i.substring(prefix.length()).strip().equalsIgnoreCase(id));
    }

    private static boolean agrees(FhirPatient patient, PatientDetails details) {
        return MatchText.sameName(patient.family(), details.family())
                && MatchText.sameName(patient.given(), details.given())
                && MatchText.sameDate(patient.birthDate(), details.birthDate());
    }

    private static <T> List<T> capped(List<T> list) {
        return list.size() <= CAP ? list : list.subList(0, CAP);
    }

    FhirSearch search() {
        return search;
    }

    Optional<String> idSystem() {
        return idSystem;
    }
}
