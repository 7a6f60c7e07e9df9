package org.safelight.endpoint.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.safelight.server.http.OpenApi;

/** The endpoint's OpenAPI document describes the intake and the institution's routes, and holds what it refers to. */
class EndpointOpenApiTest {
    private static final String DOCUMENT = OpenApi.resource(InstitutionApi.class, "/openapi/endpoint.yaml");

    @Test
    void it_describes_the_intake_and_each_institution_route_with_its_method() throws Exception {
        JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT).path("paths");

        assertThat(paths.path("/api/report").has("post")).isTrue();
        assertThat(paths.path(InstitutionApi.REPORTS).has("get")).isTrue();
        assertThat(paths.path(InstitutionApi.REPORT).has("get")).isTrue();
        assertThat(paths.path(InstitutionApi.RETRY).has("post")).isTrue();
        assertThat(paths.path(InstitutionApi.ANSWER).has("post")).isTrue();
        List<String> listed = new ArrayList<>();
        paths.fieldNames().forEachRemaining(listed::add);
        assertThat(listed).containsExactlyInAnyOrder("/api/report", InstitutionApi.REPORTS, InstitutionApi.REPORT,
                InstitutionApi.RETRY, InstitutionApi.ANSWER);
    }

    @Test
    void the_intake_lists_every_refusal_of_the_contract() {
        assertThat(DOCUMENT).contains("not_a_report", "unsafe_zip", "invalid_token", "email_unverified",
                "sender_not_allowed", "plain_over_http", "report_id_conflict", "too_large", "storage_unavailable");
    }

    @Test
    void every_reference_names_a_component_of_the_document() throws Exception {
        JsonNode components = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT).path("components");
        Matcher refs = Pattern.compile("\\$ref: '#/components/(\\w+)/(\\w+)'").matcher(DOCUMENT);
        int count = 0;
        while (refs.find()) {
            count++;
            assertThat(components.path(refs.group(1)).has(refs.group(2))).as(refs.group()).isTrue();
        }
        assertThat(count).isPositive();
    }
}
