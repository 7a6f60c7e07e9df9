package org.safelight.client.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A FHIR server's searches as the matchers see them: canned answers per query, and every query
 * written down in order as {@code Patient?given=Anna&family=Smith} (parameters in the map's order),
 * so a test states exactly which calls were made.
 */
final class RecordingFhirSearch implements FhirSearch {
    private final Map<String, List<FhirPatient>> patients = new HashMap<>();
    private final Map<String, List<FhirPractitioner>> practitioners = new HashMap<>();
    private final List<String> calls = new ArrayList<>();

    RecordingFhirSearch answer(String call, FhirPatient... found) {
        patients.put(call, List.of(found));
        return this;
    }

    RecordingFhirSearch answer(String call, FhirPractitioner... found) {
        practitioners.put(call, List.of(found));
        return this;
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public List<FhirPatient> patients(Map<String, String> query) {
        String call = written("Patient", query);
        calls.add(call);
        return patients.getOrDefault(call, List.of());
    }

    @Override
    public List<FhirPractitioner> practitioners(Map<String, String> query) {
        String call = written("Practitioner", query);
        calls.add(call);
        return practitioners.getOrDefault(call, List.of());
    }

    private static String written(String type, Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", type + "?", "").setEmptyValue(type);
        query.forEach((name, value) -> parameters.add(name + "=" + value));
        return parameters.toString();
    }
}
