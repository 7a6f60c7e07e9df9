package org.safelight.client.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Resource IDs made only of dots ({@code Patient/..}) are path steps, not IDs: refused before any
 * request, and never taken from a server's Location. Nothing listens on the base: no call is made.
 */
class FhirIdsTest {
    private final FhirClient client = new FhirClient(URI.create("http://127.0.0.1:9/fhir"), FhirVersion.R4,
            FhirAuth.none());

    @Test
    void a_patient_id_of_dots_is_refused_before_any_request() {
        for (String ref : new String[] {"Patient/..", "Patient/.", "Patient/...", ".."}) {
            assertThatThrownBy(() -> client.patient(ref)).as(ref).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void a_location_whose_id_is_dots_names_no_resource_and_dots_inside_an_id_are_fine() {
        assertThat(client.reference("Media", "http://127.0.0.1:9/fhir/Media/../_history/1")).isEmpty();
        assertThat(client.reference("Media", "Media/.")).isEmpty();
        assertThat(client.reference("Media", "http://127.0.0.1:9/fhir/Media/a.b/_history/1")).contains("Media/a.b");
        assertThat(client.reference("Media", "Media/.5")).contains("Media/.5");
    }
}
