package org.safelight.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --password KEY | --password-file F}: a report key or RNCryptor password. Never the account
 * password, which only {@code login} and {@code signup} ask for (see {@link AccountPassword}).
 */
final class KeyOptions {
    @Option(names = "--password", paramLabel = "KEY", description = {"The report's key (or an RNCryptor password): not your account password,"
                + " which only 'safelight login' asks for."})
    String password;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the key from the first line of FILE instead (keeps it out of the process list).")
    Path passwordFile;

    boolean given() {
        return password != null || passwordFile != null;
    }

    String read() throws IOException {
        if (password != null && passwordFile != null) {
            throw new Failures.UsageException("give --password or --password-file, not both");
        }
        if (password != null) {
            return password;
        }
        if (passwordFile == null) {
            throw new Failures.UsageException("a key is needed: --password KEY or --password-file FILE");
        }
        String first = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        if (first.isEmpty()) {
            throw new Failures.UsageException("the password file is empty: " + passwordFile);
        }
        return first;
    }
}
