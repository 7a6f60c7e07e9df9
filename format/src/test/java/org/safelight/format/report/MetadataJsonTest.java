package org.safelight.format.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.safelight.format.testing.SampleReports;

class MetadataJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReportMetadata read(String json) throws MalformedReportException {
        return MetadataJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writing_gives_the_seeds_structure_with_every_value_a_string() throws IOException {
        ReportMetadata m = SampleReports.metadata(SampleReports.photo("p1"));
        JsonNode report = JSON.readTree(MetadataJson.write(m)).get("report");
        assertThat(names(report)).containsExactly("patient", "user", "details", "consent", "media");
        assertThat(names(report.get("patient"))).containsExactly("firstname", "lastname", "day", "month", "year",
                "patientid", "translator", "guardian");
        assertThat(names(report.get("user"))).containsExactly("userid", "title", "firstname", "lastname", "email",
                "country");
        assertThat(names(report.get("details"))).containsExactly("notes", "datetime", "reportid", "sendtype", "sendto",
                "reportendpoint", "ip", "location", "platform", "architecture", "manufacturer", "model", "os", "uuid",
                "version", "pro");
        assertThat(names(report.get("details").get("location"))).containsExactly("latitude", "longitude", "address");
        assertThat(names(report.get("consent"))).containsExactly("type", "treatment", "education", "publication",
                "consentlevels");
        assertThat(names(report.get("media").get(0))).containsExactly("mediaid", "type", "levels");
        assertEveryValueIsAString(report);
        assertThat(report.at("/consent/treatment").asText()).isEqualTo("true");
        assertThat(report.at("/consent/publication").asText()).isEqualTo("false");
        assertThat(report.at("/consent/consentlevels").asText()).isEqualTo("treatment,education");
        assertThat(report.at("/media/0/type").asText()).isEqualTo("photo");
    }

    @Test
    void what_is_written_reads_back_equal() throws IOException {
        ReportMetadata m = SampleReports.metadata(SampleReports.photo("p1"), SampleReports.photo("p2"));
        assertThat(MetadataJson.read(new ByteArrayInputStream(MetadataJson.write(m)))).isEqualTo(m);
    }

    @Test
    void numbers_and_booleans_are_read_as_their_text_and_unknown_fields_are_ignored() throws IOException {
        ReportMetadata m = read("""
                {"report": {"patient": {"firstname": "Ada", "year": 1961, "day": 7, "nickname": "x"},
                 "details": {"reportid": 123456, "pro": true, "location": {"latitude": -33.86}},
                 "consent": {"type": "Verbal", "treatment": true, "education": "false", "consentlevels": "treatment"},
                 "media": [{"mediaid": "a1", "type": "VIDEO", "levels": "treatment, publication", "extra": 1}],
                 "future": {"anything": [1, 2]}}}
                """);
        assertThat(m.patient().year()).isEqualTo("1961");
        assertThat(m.patient().dateOfBirth()).isEqualTo("1961--07");
        assertThat(m.details().reportid()).isEqualTo("123456");
        assertThat(m.details().pro()).isEqualTo("true");
        assertThat(m.details().location().latitude()).isEqualTo("-33.86");
        assertThat(m.consent().type()).isEqualTo(Consent.ConsentType.VERBAL);
        assertThat(m.consent().treatment()).isTrue();
        assertThat(m.media().get(0).type()).isEqualTo(MediaItem.MediaType.VIDEO);
        assertThat(m.media().get(0).levels()).containsExactly(ConsentLevel.TREATMENT, ConsentLevel.PUBLICATION);
        assertThat(m.patient().lastname()).isEmpty();
    }

    @Test
    void a_media_item_id_that_would_be_a_path_is_refused() {
        for (String id : new String[] {"../x", "a/b", "", "consent", "p1-thumbnail", "x".repeat(65)}) {
            assertThatThrownBy(() -> read("{\"report\": {\"media\": [{\"mediaid\": \"" + id + "\", \"type\": \"photo\"}]}}"))
                    .as(id).isInstanceOf(MalformedReportException.class);
        }
    }

    @Test
    void a_report_id_is_validated_when_it_is_asked_for() throws IOException {
        ReportMetadata m = read("{\"report\": {\"details\": {\"reportid\": \"../../etc/passwd\"}}}");
        assertThatThrownBy(m::reportId).isInstanceOf(MalformedReportException.class).hasMessageContaining("report ID");
        assertThat(ReportId.isValid("0000000011462800528240")).isTrue();
        assertThat(ReportId.isValid("a b")).isFalse();
    }

    @Test
    void a_generated_report_id_is_the_user_number_the_creation_millis_and_a_random_part_nobody_can_guess() {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1462800528240L), ZoneOffset.UTC);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = ReportId.generate(1, clock).value();
            assertThat(id).matches("0000000011462800528240[A-Za-z0-9]{11}");
            assertThat(ReportId.isValid(id)).isTrue();
            ids.add(id);
        }
        assertThat(ids).as("the same sender at the same millisecond never gets the same ID").hasSize(1000);
    }

    @Test
    void unknown_consent_types_and_levels_are_refused_rather_than_guessed() {
        assertThatThrownBy(() -> read("{\"report\": {\"consent\": {\"type\": \"implied\"}}}"))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("consent type");
        assertThatThrownBy(() -> read("{\"report\": {\"consent\": {\"consentlevels\": \"treatment,marketing\"}}}"))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("consent level");
        assertThatThrownBy(() -> read("{\"report\": {\"consent\": {\"treatment\": \"maybe\"}}}"))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("true or false");
    }

    @Test
    void hostile_json_is_refused_with_a_clear_error() {
        assertThatThrownBy(() -> read("[" .repeat(5000) + "]".repeat(5000)))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> read("{\"report\": {}, \"report\": {}}"))
                .isInstanceOf(MalformedReportException.class);
        assertThatThrownBy(() -> read("{\"report\": {}} trailing"))
                .isInstanceOf(MalformedReportException.class);
        assertThatThrownBy(() -> read("{\"report\": {\"media\": {}}}"))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("not a list");
        assertThatThrownBy(() -> read("{\"other\": 1}"))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("no \"report\"");
        String huge = "{\"report\": {\"details\": {\"notes\": \"" + "x".repeat(MetadataJson.MAX_BYTES) + "\"}}}";
        assertThatThrownBy(() -> read(huge)).isInstanceOf(MalformedReportException.class).hasMessageContaining("larger");
    }

    @Test
    void error_messages_do_not_repeat_patient_data() {
        assertThatThrownBy(() -> read("{\"report\": {\"patient\": {\"firstname\": \"Zelda\", \"lastname\": 7}, "
                + "\"media\": [{\"mediaid\": \"ok\", \"type\": \"hologram\"}]}}"))
                .isInstanceOf(MalformedReportException.class)
                .hasMessageContaining("media type")
                .hasMessageNotContaining("Zelda");
    }

    @Test
    void consent_booleans_follow_the_levels_when_built_from_them() {
        Consent c = Consent.of(Consent.ConsentType.VERBAL, Set.of(ConsentLevel.PUBLICATION));
        assertThat(c.publication()).isTrue();
        assertThat(c.treatment()).isFalse();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertEveryValueIsAString(JsonNode node) {
        if (node.isObject() || node.isArray()) {
            node.elements().forEachRemaining(MetadataJsonTest::assertEveryValueIsAString);
        } else {
            assertThat(node.isTextual()).as(node.toString()).isTrue();
        }
    }
}
