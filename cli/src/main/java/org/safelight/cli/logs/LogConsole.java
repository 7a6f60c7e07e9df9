package org.safelight.cli.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's log output, set up in code (not from a logback.xml) so that the command line
 * decides it: every line to stderr, as text or as JSON lines ({@link JsonLineEncoder}). A Logback
 * configuration file given with {@code -Dlogback.configurationFile} wins over all of this.
 */
public final class LogConsole {
    /** Logback's own switch: a file an operator or the tests gave. */
    static final String CONFIGURATION_FILE = "logback.configurationFile";
    private static final String APPENDER = "stderr";

    private LogConsole() {
    }

    /**
     * Replaces Logback's configuration: one stderr appender in {@code format}, {@code levels} per
     * logger name ({@link Logger#ROOT_LOGGER_NAME} for the rest; {@code off} silences), the thread
     * name on text lines when {@code threads}. Does nothing when a configuration file was given.
     */
    public static void configure(Map<String, String> levels, boolean threads, LogFormat format) {
        if (System.getProperty(CONFIGURATION_FILE) != null) {
            return;
        }
        LoggerContext context = context();
        context.reset();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context, format, threads));
        stderr.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(stderr);
        levels.forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level, Level.INFO)));
    }

    /**
     * Writes from now on in {@code format} on every console appender of the root logger, keeping the
     * levels (serve, once its {@code --log-format} is known from the flag, the environment or the
     * configuration file). Text keeps the configured pattern, so asking for it changes nothing.
     *
     * @return puts the encoders back as they were (tests that asked for JSON lines)
     */
    public static Runnable use(LogFormat format) {
        if (format != LogFormat.JSON) {
            return () -> { };
        }
        LoggerContext context = context();
        Map<ConsoleAppender<ILoggingEvent>, Encoder<ILoggingEvent>> before = new LinkedHashMap<>();
        for (ConsoleAppender<ILoggingEvent> console : consoles(context)) {
            if (!(console.getEncoder() instanceof JsonLineEncoder)) {
                before.put(console, console.getEncoder());
                swap(console, encoder(context, format, false));
            }
        }
        return () -> before.forEach(LogConsole::swap);
    }

    private static void swap(ConsoleAppender<ILoggingEvent> console, Encoder<ILoggingEvent> encoder) {
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }

    private static List<ConsoleAppender<ILoggingEvent>> consoles(LoggerContext context) {
        List<ConsoleAppender<ILoggingEvent>> found = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
             it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                found.add(console);
            }
        }
        return found;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format, boolean threads) {
        Encoder<ILoggingEvent> encoder;
        if (format == LogFormat.JSON) {
            encoder = new JsonLineEncoder();
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            // the request id, when there is one, right after the logger: "... ServerApp [req 4f2a...] - ..."
            text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} " + (threads ? "[%thread] " : "")
                    + "%level %logger%replace( [req %X{request_id}]){' \\[req \\]', ''} - %msg%n");
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
