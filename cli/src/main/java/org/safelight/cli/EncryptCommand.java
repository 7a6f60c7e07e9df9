package org.safelight.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.safelight.format.rncryptor.RNCryptorFiles;
import org.safelight.format.rncryptor.Secret;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "encrypt", mixinStandardHelpOptions = true,
        description = "Encrypt a file with RNCryptor v3 in password mode (what package.encrypted is).")
final class EncryptCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @ArgGroup(exclusive = false, multiplicity = "1")
    KeyOptions key;

    @Parameters(index = "0", paramLabel = "IN", description = "File to encrypt, or - for standard input.")
    String in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Where to write, or - for standard output.")
    String out;

    @Override
    public Integer call() throws Exception {
        Secret secret = Secret.password(key.read());
        try (InputStream input = "-".equals(in) ? main.stdin : Files.newInputStream(Path.of(in))) {
            if ("-".equals(out)) {
                RNCryptorFiles.encrypt(input, main.stdout, secret);
            } else {
                RNCryptorFiles.encrypt(input, Path.of(out), secret);
            }
        }
        return ExitCode.OK;
    }
}
