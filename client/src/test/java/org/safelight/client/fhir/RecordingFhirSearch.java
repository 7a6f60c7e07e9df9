package org.safelight.client.fhir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Set<String> truncated = new HashSet<>();

    RecordingFhirSearch answer(String call, FhirPatient... found) {
        patients.put(call, List.of(found));
        return this;
    }

    RecordingFhirSearch answer(String call, FhirPractitioner... found) {
        practitioners.put(call, List.of(found));
        return this;
    }

    /** Marks the answer to {@code call} as cut short (the server had more than it returned). */
    RecordingFhirSearch truncated(String call) {
        truncated.add(call);
        return this;
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public FhirResults<FhirPatient> patients(Map<String, String> query) {
        String call = written("Patient", query);
        calls.add(call);
        return FhirResults.of(patients.getOrDefault(call, List.of()), truncated.contains(call));
    }

    @Override
    public FhirResults<FhirPractitioner> practitioners(Map<String, String> query) {
        String call = written("Practitioner", query);
        calls.add(call);
        return FhirResults.of(practitioners.getOrDefault(call, List.of()), truncated.contains(call));
    }

    private static String written(String type, Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", type + "?", "").setEmptyValue(type);
        query.forEach((name, value) -> parameters.add(name + "=" + value));
        return parameters.toString();
    }
}
