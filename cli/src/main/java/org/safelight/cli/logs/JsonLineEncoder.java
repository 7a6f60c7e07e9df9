package org.safelight.cli.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.safelight.server.http.RequestIds;

/**
 * One log event as one line of JSON: {@code time} (ISO-8601, UTC), {@code level}, {@code logger},
 * {@code thread}, {@code message}, {@code request_id} when the event happened while a request was
 * handled, and {@code exception} (the class name only) when one was logged.
 *
 * <p>Ours rather than Logback's own {@code JsonEncoder}: that one writes the logger context and
 * its properties on every line, nests the MDC, names fields its own way and writes each exception's
 * message and stack trace, where a message may hold data the operator must not get (our text lines
 * avoid the same). A flat object with a fixed set of fields is also what collectors index best.
 * Thread-safe: Logback calls it under the appender's lock, and it keeps no state between events.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NOTHING = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("message", event.getFormattedMessage());
            String requestId = event.getMDCPropertyMap().get(RequestIds.MDC_KEY);
            if (requestId != null) {
                json.writeStringField("request_id", requestId);
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.writeStringField("exception", thrown.getClassName());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }
}
