package org.safelight.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.Pkcs11MasterKey;
import picocli.CommandLine.Option;

/**
 * Where the master key is: by default {@code SAFELIGHT_MASTER_KEY} or {@code DATA_DIR/master.key};
 * with {@code --master-key-pkcs11}, an AES key in a PKCS#11 token. Shared by {@code serve} and the
 * operator commands that open stored secrets ({@code audit verify}, {@code admin master-key rotate}),
 * so the same configuration finds the same key. The token's PIN is never an option (it would show
 * in the process list): {@value #PIN_ENV} or a file.
 */
public final class MasterKeyOptions {
    public static final String PIN_ENV = "SAFELIGHT_HSM_PIN";

    @Option(names = "--master-key-pkcs11", paramLabel = "CONFIG_FILE",
            description = {"Keep the master key in a PKCS#11 token (an HSM): a SunPKCS11 configuration file",
                "(name, library=..., slot=...). Needs --master-key-label and the PIN in " + PIN_ENV,
                "or --master-key-pin-file. Default: SAFELIGHT_MASTER_KEY or DATA_DIR/master.key."})
    Path pkcs11;

    @Option(names = "--master-key-label", paramLabel = "LABEL",
            description = "The label of the AES master key in the token.")
    String label;

    @Option(names = "--master-key-pin-file", paramLabel = "FILE",
            description = "A file holding the token's user PIN (mode 0600), instead of " + PIN_ENV + ".")
    Path pinFile;

    /** Whether the key is in a token. */
    boolean inToken() {
        return pkcs11 != null;
    }

    /**
     * The token's key, opened when called (serve calls it before building any role); null for the
     * default file or environment key.
     *
     * @throws Failures.UsageException when the options are incomplete (checked now, not when called)
     */
    Supplier<MasterKey> source(Map<String, String> env) {
        if (pkcs11 == null) {
            if (label != null || pinFile != null) {
                throw new Failures.UsageException("--master-key-label and --master-key-pin-file go with"
                        + " --master-key-pkcs11 CONFIG_FILE");
            }
            return null;
        }
        if (label == null || label.isBlank()) {
            throw new Failures.UsageException("--master-key-pkcs11 needs --master-key-label: the label of the AES key"
                    + " in the token");
        }
        char[] pin = pin(pinFile, env, "--master-key-pin-file");
        Path config = pkcs11;
        String keyLabel = label;
        return () -> Pkcs11MasterKey.open(config, keyLabel, Arrays.copyOf(pin, pin.length));
    }

    /**
     * The master key as {@code serve} would find it, for an operator command: the token's, else the
     * environment's, else the data folder's file, which must exist (never a new key).
     */
    MasterKey load(Path dataDir, Map<String, String> env, String why) {
        Supplier<MasterKey> token = source(env);
        if (token != null) {
            return token.get();
        }
        String fromEnv = env.get(MasterKey.ENV);
        if ((fromEnv == null || fromEnv.isBlank()) && !Files.exists(dataDir.resolve(MasterKey.FILE_NAME))) {
            throw new Failures.UsageException("no master key: set " + MasterKey.ENV + ", give the --data-dir holding "
                    + MasterKey.FILE_NAME + ", or --master-key-pkcs11 with its label and PIN (" + why + ")");
        }
        return MasterKey.load(dataDir, env);
    }

    /** A token's PIN from {@code file} when given, else from {@value #PIN_ENV}. */
    static char[] pin(Path file, Map<String, String> env, String flag) {
        if (file != null) {
            try {
                java.nio.file.attribute.PosixFileAttributeView posix = Files.getFileAttributeView(file,
                        java.nio.file.attribute.PosixFileAttributeView.class);
                if (posix != null && posix.readAttributes().permissions().stream()
                        .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new Failures.UsageException(flag + " " + file + " may be read by others: it must be readable"
                            + " by its owner only (chmod 600 " + file + ")");
                }
                String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new Failures.UsageException(flag + " " + file + " is empty");
                }
                return text.toCharArray();
            } catch (IOException e) {
                throw new Failures.UsageException(flag + " " + file + " cannot be read: " + e.getMessage());
            }
        }
        String fromEnv = env.get(PIN_ENV);
        if (fromEnv == null || fromEnv.isEmpty()) {
            throw new Failures.UsageException("the token's PIN is missing: set " + PIN_ENV + " or give " + flag
                    + " FILE (never on the command line)");
        }
        return fromEnv.toCharArray();
    }
}
