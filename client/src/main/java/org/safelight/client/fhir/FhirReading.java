package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Patient and Practitioner JSON (STU3 or R4: the parts read here are the same) as our records. */
final class FhirReading {

    private FhirReading() {
    }

    static FhirPatient patient(JsonNode resource) {
        JsonNode name = chosenName(resource);
        return new FhirPatient("Patient/" + resource.path("id").asText(""), first(name.path("given")),
                family(name), resource.path("birthDate").asText("").strip(), identifiers(resource));
    }

    static FhirPractitioner practitioner(JsonNode resource) {
        String reference = "Practitioner/" + resource.path("id").asText("");
        JsonNode name = chosenName(resource);
        List<String> parts = new ArrayList<>();
        name.path("prefix").forEach(p -> parts.add(p.asText("").strip()));
        name.path("given").forEach(g -> parts.add(g.asText("").strip()));
        parts.add(family(name));
        String display = String.join(" ", parts.stream().filter(p -> !p.isEmpty()).toList());
        if (display.isEmpty()) {
            display = name.path("text").asText("").strip();
        }
        if (display.isEmpty()) {
            display = reference;
        }
        List<String> emails = new ArrayList<>();
        for (JsonNode telecom : resource.path("telecom")) {
            String value = telecom.path("value").asText("").strip();
            if ("email".equals(telecom.path("system").asText()) && !value.isEmpty()) {
                emails.add(value.toLowerCase(Locale.ROOT));
            }
        }
        return new FhirPractitioner(reference, display, emails, identifiers(resource));
    }

    /** The first name whose use is official, else the first name; a missing node when none. */
    private static JsonNode chosenName(JsonNode resource) {
        JsonNode names = resource.path("name");
        for (JsonNode name : names) {
            if ("official".equals(name.path("use").asText())) {
                return name;
            }
        }
        return names.path(0);
    }

    /** A string in STU3 and R4; an array in DSTU2, which some servers still echo. */
    private static String family(JsonNode name) {
        JsonNode family = name.path("family");
        return family.isArray() ? first(family) : family.asText("").strip();
    }

    private static String first(JsonNode array) {
        return array.path(0).asText("").strip();
    }

    private static List<String> identifiers(JsonNode resource) {
        List<String> out = new ArrayList<>();
        for (JsonNode identifier : resource.path("identifier")) {
            String value = identifier.path("value").asText("");
            if (!value.isEmpty()) {
                out.add(identifier.path("system").asText("") + "|" + value);
            }
        }
        return out;
    }
}
