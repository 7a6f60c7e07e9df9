package org.safelight.client.fhir;

import java.util.Locale;

/** The FHIR release a server speaks. The resources we write differ between the two (DESIGN §6). */
public enum FhirVersion {
    STU3, R4;

    /** {@code stu3} or {@code r4}, any case. */
    public static FhirVersion parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "stu3", "dstu3", "3", "3.0" -> STU3;
            case "r4", "4", "4.0" -> R4;
            default -> throw new IllegalArgumentException("FHIR version '" + value + "' is not one we speak: stu3 or r4");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
