package org.safelight.endpoint.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ForwardSignatureTest {
    private static final byte[] SECRET = "a-shared-secret-of-the-institution".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final Instant AT = Instant.parse("2026-11-27T23:00:00Z");
    private static final Duration SKEW = ForwardSignature.DEFAULT_MAX_SKEW;

    private static String signed() {
        return ForwardSignature.sign(SECRET, AT, ForwardSignature.sha256Hex(BODY));
    }

    @Test
    void the_header_is_t_and_v1_as_documented() throws Exception {
        String header = signed();
        assertThat(header).matches("t=1795820400,v1=[0-9a-f]{64}");
        // Recomputed by hand, as a receiver in another language would.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal(
                ("1795820400." + ForwardSignature.sha256Hex(BODY)).getBytes(StandardCharsets.US_ASCII)));
        assertThat(header).endsWith("v1=" + expected);
    }

    @Test
    void a_signature_verifies_within_the_allowed_clock_skew_either_way() {
        assertThat(ForwardSignature.verify(SECRET, signed(), BODY, AT, SKEW)).isTrue();
        assertThat(ForwardSignature.verify(SECRET, signed(), BODY, AT.plus(SKEW), SKEW)).isTrue();
        assertThat(ForwardSignature.verify(SECRET, signed(), BODY, AT.minus(SKEW), SKEW)).isTrue();
        assertThat(ForwardSignature.verify(SECRET, " v1=" + signed().split(",v1=")[1] + ", t=1795820400, v2=x",
                BODY, AT, SKEW)).isTrue();
    }

    @Test
    void a_replayed_old_request_does_not_verify() {
        assertThat(ForwardSignature.verify(SECRET, signed(), BODY, AT.plus(SKEW).plusSeconds(1), SKEW)).isFalse();
        assertThat(ForwardSignature.verify(SECRET, signed(), BODY, AT.minus(SKEW).minusSeconds(1), SKEW)).isFalse();
    }

    @Test
    void another_secret_other_bytes_or_a_changed_time_do_not_verify() {
        assertThat(ForwardSignature.verify("another-secret-entirely-here".getBytes(StandardCharsets.UTF_8), signed(),
                BODY, AT, SKEW)).isFalse();
        byte[] changed = BODY.clone();
        changed[changed.length - 8] ^= 1;
        assertThat(ForwardSignature.verify(SECRET, signed(), changed, AT, SKEW)).isFalse();
        assertThat(ForwardSignature.verify(SECRET, signed().replace("t=1795820400", "t=1795820401"), BODY, AT, SKEW))
                .isFalse();
    }

    @Test
    void a_missing_or_malformed_header_does_not_verify_and_throws_nothing() {
        for (String header : new String[] {null, "", "t=1795820400", "v1=" + "0".repeat(64), "t=x,v1=" + "0".repeat(64),
                "t=1795820400,v1=zz" + "0".repeat(62), "t=1795820400,v1=00"}) {
            assertThat(ForwardSignature.verify(SECRET, header, BODY, AT, SKEW)).as(String.valueOf(header)).isFalse();
        }
    }
}
