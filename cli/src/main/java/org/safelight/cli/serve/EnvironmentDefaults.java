package org.safelight.cli.serve;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for {@code serve}'s options, in this order: the environment ({@code --database-url} from
 * {@code SAFELIGHT_DATABASE_URL}), then a properties file ({@code database-url=...}) named by
 * {@code SAFELIGHT_CONFIG} or {@code --config}, then the option's own default. A flag on the
 * command line wins over all of them. The operator commands ({@code audit}, {@code admin}) read
 * the same values for the options they share with {@code serve} ({@code --data-dir},
 * {@code --database-url}, ...), so they find the server's storage as it does; their other options
 * are never read from the environment or the file.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    /** A configuration file with a key that names no option of {@code serve} (a typo must not pass silently). */
    public static final class UnknownKeyException extends Exception {
        UnknownKeyException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, String> env;
    private final Properties file = new Properties();
    private final Path config;
    private final Set<String> known;

    /** Every option may come from the environment or the file (a test's single command). */
    public EnvironmentDefaults(Map<String, String> env, Path configFile) throws IOException {
        this(env, configFile, null);
    }

    /**
     * @param known the long names of {@code serve}'s options, without dashes; only these are read
     *              (null: any)
     */
    public EnvironmentDefaults(Map<String, String> env, Path configFile, Set<String> known) throws IOException {
        this.env = env;
        this.known = known == null ? null : Set.copyOf(known);
        this.config = configFile != null ? configFile
                : env.containsKey("SAFELIGHT_CONFIG") ? Path.of(env.get("SAFELIGHT_CONFIG")) : null;
        if (config != null) {
            try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                file.load(r);
            }
        }
    }

    /**
     * @throws UnknownKeyException naming the first key of the file (in sorted order) that is not
     *                             one of {@code serve}'s options
     */
    public void refuseUnknownKeys() throws UnknownKeyException {
        if (known == null) {
            return;
        }
        for (String key : new TreeSet<>(file.stringPropertyNames())) {
            if (!known.contains(key)) {
                throw new UnknownKeyException("the configuration file " + config + " has an unknown key '" + key
                        + "': its keys are serve's options without the dashes (see 'safelight serve --help')");
            }
        }
    }

    public static String envName(String longOption) {
        return "SAFELIGHT_" + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName();
        String key = name.replaceFirst("^-+", "");
        if (known != null && !known.contains(key)) {
            return option.defaultValue();
        }
        String fromEnv = env.get(envName(name));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = file.getProperty(key);
        return fromFile != null ? fromFile.trim() : option.defaultValue();
    }
}
