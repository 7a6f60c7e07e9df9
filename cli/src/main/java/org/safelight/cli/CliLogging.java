package org.safelight.cli;

import java.util.List;
import java.util.Map;

/**
 * What the process logs, decided once before the first logger exists (slf4j-simple reads its
 * settings then). Our own lines go to stderr at INFO for {@code serve} and WARN for every other
 * command; the libraries under us (Flyway, Hikari, Jetty, Javalin, Jdbi, the AWS SDK) say nothing
 * unless {@code --verbose} is given, so an operator command prints its one line and no more.
 * A setting already given with {@code -D} is kept.
 */
final class CliLogging {
    /** The loggers of the libraries we build on. */
    static final List<String> FRAMEWORKS = List.of("org.flywaydb", "com.zaxxer.hikari", "org.eclipse.jetty",
            "io.javalin", "org.jdbi", "software.amazon", "io.netty", "org.apache.http", "org.xerial",
            "org.sqlite", "org.postgresql", "jakarta.mail", "org.simplejavamail");

    /** The options written apart from their value ({@code --config FILE}); {@code --config=FILE} is one argument. */
    private static final List<String> VALUED = List.of("--config");

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private CliLogging() {
    }

    /** The system properties for this command line. */
    static Map<String, String> settings(String[] args) {
        boolean verbose = List.of(args).contains("--verbose");
        boolean serve = "serve".equals(command(args));
        Map<String, String> s = new java.util.LinkedHashMap<>();
        s.put(PREFIX + "logFile", "System.err");
        s.put(PREFIX + "showDateTime", "true");
        s.put(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        s.put(PREFIX + "showThreadName", Boolean.toString(verbose));
        s.put(PREFIX + "defaultLogLevel", verbose || serve ? "info" : "warn");
        for (String framework : FRAMEWORKS) {
            // a server's operator still hears a library's warnings; a one-line command hears nothing
            s.put(PREFIX + "log." + framework, verbose ? "info" : serve ? "warn" : "off");
        }
        return s;
    }

    /**
     * The command word: the first argument that is neither an option nor the value of an option
     * taking one ({@code --config FILE}), so {@code safelight --verbose serve} and
     * {@code safelight --config F serve} are {@code serve} as much as {@code safelight serve --config F}.
     * Null when there is none.
     */
    static String command(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return i + 1 < args.length ? args[i + 1] : null;
            }
            if (VALUED.contains(arg)) {
                i++; // its value is not the command
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    /** Sets {@link #settings} as system properties, leaving any already set alone. */
    static void configure(String[] args) {
        settings(args).forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
