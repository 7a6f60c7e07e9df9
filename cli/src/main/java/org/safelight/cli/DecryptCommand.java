package org.safelight.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.rncryptor.IntegrityException;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.RNCryptorFiles;
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
        if ("-".equals(in)) {
            // Spooled (still encrypted) to a private temporary file and verified before a byte comes out.
            try (InputStream plain = RNCryptor.openVerified(main.stdin, secret)) {
                if ("-".equals(out)) {
                    plain.transferTo(main.stdout);
                    main.stdout.flush();
                } else {
                    AtomicFile.write(Path.of(out), plain::transferTo);
                }
            }
            return ExitCode.OK;
        }
        Path file = Path.of(in);
        try {
            if ("-".equals(out)) {
                RNCryptorFiles.decrypt(file, main.stdout, secret);
            } else {
                RNCryptorFiles.decrypt(file, Path.of(out), secret);
            }
        } catch (IntegrityException e) {
            throw RNCryptor.diagnose(file, secret);
        }
        return ExitCode.OK;
    }
}
