package org.safelight.endpoint.delivery;

import java.util.Map;
import java.util.Optional;

/**
 * What people answered for one delivery, kept with it: keys {@code patient} ({@code Patient/id}),
 * {@code create_patient} ({@code "true"}), {@code practitioner} ({@code Practitioner/id}). Empty
 * until someone answers. Immutable.
 */
public record Answers(Map<String, String> values) {
    public static final String PATIENT = "patient";
    public static final String CREATE_PATIENT = "create_patient";
    public static final String PRACTITIONER = "practitioner";
    public static final Answers NONE = new Answers(Map.of());

    public Answers {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }
}
