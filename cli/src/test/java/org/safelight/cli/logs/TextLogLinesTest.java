package org.safelight.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safelight.server.http.RequestIds;

/** The default text lines: time, level, logger, the request id when there is one, the message. */
class TextLogLinesTest {
    private final LoggerContext context = new LoggerContext();

    private String line(Map<String, String> mdc) {
        Encoder<ILoggingEvent> text = LogConsole.encoder(context, LogFormat.TEXT, false);
        LoggingEvent event = new LoggingEvent("x", context.getLogger("org.safelight.Probe"), Level.INFO, "hello",
                null, null);
        event.setMDCPropertyMap(mdc);
        return new String(text.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void a_line_written_during_a_request_names_its_id_and_others_do_not_mention_one() {
        assertThat(line(Map.of(RequestIds.MDC_KEY, "lb-42")))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO org\\.safelight\\.Probe"
                        + " \\[req lb-42\\] - hello\\R");
        assertThat(line(Map.of())).endsWith(" INFO org.safelight.Probe - hello" + System.lineSeparator())
                .doesNotContain("req");
    }
}
