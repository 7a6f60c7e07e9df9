package org.safelight.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.StaticKeys;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code --password KEY | --password-file F | --private-key PEM}: a report's key given on the
 * command line, for commands that otherwise ask the key server.
 */
final class OfflineKey {
    @ArgGroup(exclusive = false)
    KeyOptions password;

    @Option(names = "--private-key", paramLabel = "PRIVATE_KEY",
            description = "The institution's PKCS#8 PEM private key, for static-key reports.")
    Path privateKey;

    /** The key the options give, or {@link ReportKey.None} when {@code choice} is null or empty. */
    static ReportKey of(OfflineKey choice) throws IOException {
        if (choice != null && choice.privateKey != null) {
            return new ReportKey.Private(StaticKeys.readPrivateKey(choice.privateKey));
        }
        if (choice != null && choice.password != null && choice.password.given()) {
            return new ReportKey.Password(choice.password.read());
        }
        return new ReportKey.None();
    }
}
