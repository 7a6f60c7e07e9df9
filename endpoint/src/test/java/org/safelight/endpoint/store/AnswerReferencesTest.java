package org.safelight.endpoint.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.safelight.endpoint.delivery.Question;

/** The references an admin answers with: {@code Type/id}, where an ID made only of dots is not one. */
class AnswerReferencesTest {
    private static final Question PATIENT = new Question("patient", "no_match", "No patient fits.", Map.of(),
            List.of(), false);
    private static final Question PRACTITIONER = new Question("practitioner", "unknown_sender", "Who?", Map.of(),
            List.of(), false);

    private static Optional<String> patient(String ref) {
        return StoredReports.apply(PATIENT, new ReceivedReports.PersonAnswer(Optional.of(ref), false, Optional.empty(),
                false), new HashMap<>());
    }

    private static Optional<String> practitioner(String ref) {
        return StoredReports.apply(PRACTITIONER, new ReceivedReports.PersonAnswer(Optional.empty(), false,
                Optional.of(ref), false), new HashMap<>());
    }

    @Test
    void ids_made_only_of_dots_are_refused_and_dots_inside_an_id_are_fine() {
        for (String dots : List.of(".", "..", "...")) {
            assertThat(patient("Patient/" + dots)).as(dots).isPresent();
            assertThat(practitioner("Practitioner/" + dots)).as(dots).isPresent();
        }
        assertThat(patient("Patient/a.1")).isEmpty();
        assertThat(patient("Patient/..1")).isEmpty();
        assertThat(practitioner("Practitioner/7.")).isEmpty();
    }
}
