package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code --patient} and {@code --practitioner} take {@code Type/id}; an ID made only of dots is not one. */
class FhirFilingOptionsTest {
    private static FhirFilingOptions options(String patient, String practitioner) {
        FhirFilingOptions options = new FhirFilingOptions();
        options.patient = patient;
        options.practitioner = practitioner;
        return options;
    }

    @Test
    void ids_made_only_of_dots_are_refused_naming_the_flag() {
        for (String dots : new String[] {".", "..", "..."}) {
            assertThatThrownBy(() -> options("Patient/" + dots, null).check())
                    .isInstanceOf(Failures.UsageException.class).hasMessageContaining("--patient");
            assertThatThrownBy(() -> options(null, "Practitioner/" + dots).check())
                    .isInstanceOf(Failures.UsageException.class).hasMessageContaining("--practitioner");
        }
        assertThatCode(() -> options("Patient/a.b", "Practitioner/.7").check()).doesNotThrowAnyException();
    }
}
