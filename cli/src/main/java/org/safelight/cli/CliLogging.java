package org.safelight.cli;

import java.util.List;
import java.util.Map;
import org.safelight.cli.logs.LogConsole;
import org.safelight.cli.logs.LogFormat;
import org.slf4j.Logger;

/**
 * What the process logs, decided once before the first line is logged: Logback set up in code
 * ({@link LogConsole}). Our own lines go to stderr at INFO for {@code serve} and WARN for every
 * other command; the libraries under us (Flyway, Hikari, Jetty, Javalin, Jdbi, the AWS SDK) say
 * nothing unless {@code --verbose} is given, so an operator command prints its one line and no more.
 * A Logback file given with {@code -Dlogback.configurationFile} is used instead.
 */
final class CliLogging {
    /** The loggers of the libraries we build on. */
    static final List<String> FRAMEWORKS = List.of("org.flywaydb", "com.zaxxer.hikari", "org.eclipse.jetty",
            "io.javalin", "org.jdbi", "software.amazon", "io.netty", "org.apache.http", "org.xerial",
            "org.sqlite", "org.postgresql", "jakarta.mail", "org.simplejavamail");

    /** The options written apart from their value ({@code --config FILE}); {@code --config=FILE} is one argument. */
    private static final List<String> VALUED = List.of("--config");

    /** The name of the logger every other inherits its level from. */
    static final String ROOT = Logger.ROOT_LOGGER_NAME;

    private CliLogging() {
    }

    /** The level of each logger for this command line: {@link #ROOT}'s, then each library's. */
    static Map<String, String> levels(String[] args) {
        boolean verbose = verbose(args);
        boolean serve = "serve".equals(command(args));
        Map<String, String> levels = new java.util.LinkedHashMap<>();
        levels.put(ROOT, verbose || serve ? "info" : "warn");
        for (String framework : FRAMEWORKS) {
            // a server's operator still hears a library's warnings; a one-line command hears nothing
            levels.put(framework, verbose ? "info" : serve ? "warn" : "off");
        }
        return levels;
    }

    private static boolean verbose(String[] args) {
        return List.of(args).contains("--verbose");
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

    /** Sets up the log output for this command line, as text lines (serve may switch to JSON lines). */
    static void configure(String[] args) {
        LogConsole.configure(levels(args), verbose(args), LogFormat.TEXT);
    }
}
