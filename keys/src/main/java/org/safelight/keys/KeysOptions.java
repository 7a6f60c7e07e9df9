package org.safelight.keys;

import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * The key server's configuration group: {@code serve} adds these options with {@code @Mixin};
 * each also comes from {@code SAFELIGHT_<FLAG>} or the {@code --config} file.
 */
public final class KeysOptions {
    @Option(names = "--trusted-origins", paramLabel = "URL,...", defaultValue = "",
            description = "Web origins allowed to call the key server from a browser (CORS).")
    String trustedOrigins;

    @Option(names = "--key-requests-per-minute", paramLabel = "N", defaultValue = "60",
            description = "Key requests one user may make per minute, in bursts of as many (default: ${DEFAULT-VALUE}).")
    int keyRequestsPerMinute;

    /**
     * The settings these options give.
     *
     * @throws IllegalArgumentException naming the flag of a bad value
     */
    public KeysSettings settings() {
        return new KeysSettings(Arrays.stream(trustedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList(), keyRequestsPerMinute);
    }
}
