package org.safelight.cli.serve;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for {@code serve}'s options, in this order: the environment ({@code --database-url} from
 * {@code SAFELIGHT_DATABASE_URL}), then a properties file ({@code database-url=...}) named by
 * {@code SAFELIGHT_CONFIG} or {@code --config}, then the option's own default. A flag on the
 * command line wins over all of them.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {
    private final Map<String, String> env;
    private final Properties file = new Properties();

    public EnvironmentDefaults(Map<String, String> env, Path configFile) throws IOException {
        this.env = env;
        Path config = configFile != null ? configFile
                : env.containsKey("SAFELIGHT_CONFIG") ? Path.of(env.get("SAFELIGHT_CONFIG")) : null;
        if (config != null) {
            try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                file.load(r);
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
        String fromEnv = env.get(envName(name));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = file.getProperty(name.replaceFirst("^-+", ""));
        return fromFile != null ? fromFile.trim() : option.defaultValue();
    }
}
