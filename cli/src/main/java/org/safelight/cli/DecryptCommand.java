package org.safelight.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.rncryptor.IntegrityException;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = {"Decrypt RNCryptor v3 password-mode data (e.g. a package.encrypted).",
            "Nothing is written unless the whole file's HMAC verifies first."})
final class DecryptCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @ArgGroup(exclusive = false, multiplicity = "1")
    KeyOptions key;

    @Parameters(index = "0", paramLabel = "IN", description = "File to decrypt, or - for standard input.")
    String in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Where to write, or - for standard output.")
    String out;

    @Override
    public Integer call() throws Exception {
        Secret secret = Secret.password(key.read());
        try (InputStream plain = open(secret)) {
            if ("-".equals(out)) {
                plain.transferTo(main.stdout);
                main.stdout.flush();
            } else {
                AtomicFile.write(Path.of(out), plain::transferTo);
            }
        }
        return ExitCode.OK;
    }

    private InputStream open(Secret secret) throws java.io.IOException {
        if ("-".equals(in)) {
            return RNCryptor.openVerified(main.stdin, secret);
        }
        Path file = Path.of(in);
        try {
            return RNCryptor.openVerified(file, secret);
        } catch (IntegrityException e) {
            throw RNCryptor.diagnose(file, secret);
        }
    }
}
