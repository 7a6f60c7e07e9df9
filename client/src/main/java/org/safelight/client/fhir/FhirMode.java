package org.safelight.client.fhir;

import java.util.Locale;

/**
 * What a report becomes on the FHIR server. {@link #MEDIA}: the seed's calls, Media for each item,
 * Binary for report.pdf, a DocumentManifest grouping them (STU3 and R4). {@link #DOCUMENT} (R4 only,
 * for servers that take documents as DocumentReference + Binary): report.pdf as a DocumentReference
 * to its Binary, each item as a DocumentReference to its Binary too.
 */
public enum FhirMode {
    MEDIA, DOCUMENT;

    public static FhirMode parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "media" -> MEDIA;
            case "document" -> DOCUMENT;
            default -> throw new IllegalArgumentException("FHIR mode '" + value + "' is not one we have: media or document");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
