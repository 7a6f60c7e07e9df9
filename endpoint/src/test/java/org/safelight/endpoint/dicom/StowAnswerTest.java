package org.safelight.endpoint.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.endpoint.delivery.DeliveryException;

/** How STOW-RS answers decide a delivery (the answers a PACS gives that Orthanc does not make easily). */
class StowAnswerTest {
    private static final Map<String, String> SENT = new LinkedHashMap<>(Map.of("2.25.1", "p1", "2.25.2", "p2"));

    private static byte[] failed(String uid, int reason) {
        return ("""
                {"00081198": {"vr": "SQ", "Value": [{
                   "00081150": {"vr": "UI", "Value": ["1.2.840.10008.5.1.4.1.1.77.1.4"]},
                   "00081155": {"vr": "UI", "Value": ["%s"]},
                   "00081197": {"vr": "US", "Value": [%d]}}]},
                 "00081199": {"vr": "SQ", "Value": [{"00081155": {"vr": "UI", "Value": ["2.25.1"]}}]}}
                """.formatted(uid, reason)).getBytes(StandardCharsets.UTF_8);
    }

    private static DeliveryException refusal(int status, byte[] body) {
        try {
            StowAnswer.check(status, body, SENT);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("delivered");
    }

    @Test
    void a_failed_instance_parks_the_delivery_naming_the_photo_and_the_reason() {
        DeliveryException e = refusal(202, failed("2.25.2", 0xC000));
        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("1 of 2", "photo p2: 0xC000 cannot understand", "HTTP 202");
        assertThat(refusal(409, failed("2.25.2", 0xA900)).getMessage()).contains("0xA900 data set does not match SOP class");
        assertThat(refusal(409, failed("2.25.9", 0x0124)).getMessage()).contains("a photo: 0x0124 not authorized");
    }

    @Test
    void out_of_resources_is_retried() {
        assertThat(refusal(409, failed("2.25.1", 0xA700)).permanent()).isFalse();
    }

    @Test
    void an_instance_the_pacs_already_holds_counts_as_stored() {
        assertThatCode(() -> StowAnswer.check(409, failed("2.25.1", 0x0111), SENT)).doesNotThrowAnyException();
        assertThatCode(() -> StowAnswer.check(202, failed("2.25.2", 0x0111), SENT)).doesNotThrowAnyException();
    }

    @Test
    void stored_and_stored_with_warnings_are_delivered() {
        assertThatCode(() -> StowAnswer.check(200, new byte[0], SENT)).doesNotThrowAnyException();
        assertThatCode(() -> StowAnswer.check(202, "{\"00081198\": {\"vr\": \"SQ\"}}".getBytes(StandardCharsets.UTF_8),
                SENT)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void a_wrong_user_or_password_parks(int status) {
        DeliveryException e = refusal(status, "<html>no</html>".getBytes(StandardCharsets.UTF_8));
        assertThat(e.permanent()).isTrue();
        assertThat(e.getMessage()).contains("user and password", "HTTP " + status);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 409, 413, 415, 302})
    void other_refusals_park(int status) {
        assertThat(refusal(status, new byte[0]).permanent()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503})
    void busy_or_failing_answers_are_retried(int status) {
        DeliveryException e = refusal(status, "not json".getBytes(StandardCharsets.UTF_8));
        assertThat(e.permanent()).isFalse();
        assertThat(e.getMessage()).contains("HTTP " + status);
    }

    @Test
    void a_refusal_of_a_wrong_request_is_not_read_as_a_delivery() {
        assertThatThrownBy(() -> StowAnswer.check(400, "{\"00081198\": {\"vr\": \"SQ\"}}".getBytes(StandardCharsets.UTF_8),
                SENT)).isInstanceOf(DeliveryException.class).hasMessageContaining("HTTP 400");
    }
}
