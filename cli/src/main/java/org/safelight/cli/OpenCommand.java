package org.safelight.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.picsafe.StaticKeys;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Open a .picsafe file or a plain report ZIP into a new folder.",
            "The package is verified before it is decrypted; a damaged or hostile file writes nothing."})
final class OpenCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .picsafe file or report ZIP.")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "A new (or empty) folder for the report's files.")
    Path outDir;

    @ArgGroup(exclusive = true)
    KeyChoice keyChoice;

    static final class KeyChoice {
        @ArgGroup(exclusive = false)
        KeyOptions password;

        @Option(names = "--private-key", paramLabel = "PRIVATE_KEY",
                description = "The institution's PKCS#8 PEM private key, for static-key reports.")
        Path privateKey;
    }

    @Override
    public Integer call() throws Exception {
        ReportKey key = new ReportKey.None();
        if (keyChoice != null && keyChoice.privateKey != null) {
            key = new ReportKey.Private(StaticKeys.readPrivateKey(keyChoice.privateKey));
        } else if (keyChoice != null && keyChoice.password != null && keyChoice.password.given()) {
            key = new ReportKey.Password(keyChoice.password.read());
        }
        ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, true).open(file, key, outDir);
        main.stdout.println("Opened report " + opened.metadata().details().reportid() + " ("
                + Summaries.media(opened.metadata()) + ", " + opened.files().size() + " files) into " + opened.folder());
        return ExitCode.OK;
    }
}
