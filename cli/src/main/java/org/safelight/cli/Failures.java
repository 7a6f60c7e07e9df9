package org.safelight.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.safelight.format.FormatException;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.rncryptor.IntegrityException;
import picocli.CommandLine;

/** Every failure becomes one line on stderr and an exit code, here and nowhere else. */
final class Failures {
    private Failures() {
    }

    /** A problem with how the command was called, found by a command itself. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The person answered "cancel" to a question: nothing was done. */
    static final class CancelledException extends RuntimeException {
        CancelledException(String message) {
            super(message);
        }
    }

    static int handleUsage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        // the whole path ('safelight keys log'), so the hint names a command that exists
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println("safelight: " + e.getMessage().lines().findFirst().orElse("bad usage") + " (see '" + command
                + " --help')");
        return ExitCode.USAGE;
    }

    static int handleExecution(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("safelight: " + message(e));
        return exitCode(e);
    }

    static int exitCode(Throwable e) {
        if (e instanceof UsageException || e instanceof KeyNeededException
                || e instanceof org.safelight.client.NotSignedInException
                || e instanceof org.safelight.client.ForeignLinkException) {
            return ExitCode.USAGE;
        }
        if (e instanceof org.safelight.client.RefusedException
                || e instanceof org.safelight.client.UntrustedKeyServerException) {
            return ExitCode.REFUSED;
        }
        if (e instanceof ConnectCommand.StorageRefused) {
            return ExitCode.REFUSED;
        }
        if (e instanceof org.safelight.client.storage.StorageException s) {
            // Not connected (connect again) is the user's to mend; a refusal is the service's; an outage passes.
            return switch (s.kind()) {
                case NOT_CONNECTED -> ExitCode.USAGE;
                case REFUSED -> ExitCode.REFUSED;
                case UNAVAILABLE -> ExitCode.FAILURE;
            };
        }
        if (e instanceof IntegrityException || e instanceof AuditCommand.AuditBrokenException) {
            return ExitCode.INTEGRITY;
        }
        if (e instanceof FormatException) {
            return ExitCode.MALFORMED;
        }
        return ExitCode.FAILURE;
    }

    static String message(Throwable e) {
        if (e instanceof FormatException || e instanceof UsageException || e instanceof CancelledException
                || e instanceof AuditCommand.AuditBrokenException
                || e instanceof org.safelight.client.NotSignedInException
                || e instanceof org.safelight.client.ForeignLinkException
                || e instanceof org.safelight.client.UntrustedKeyServerException) {
            return e.getMessage();
        }
        if (e instanceof org.safelight.server.crypto.MasterKeyException) {
            return e.getMessage(); // names the file, token or rotation and what to do; never key material
        }
        if (e instanceof io.javalin.util.JavalinBindException) {
            return e.getMessage(); // the port is taken: it says which and what to do
        }
        if (e instanceof ConnectCommand.StorageRefused || e instanceof org.safelight.client.storage.StorageException) {
            return e.getMessage(); // for people already, and without tokens
        }
        if (e instanceof org.safelight.client.RefusedException r) {
            String line = "refused by the server: " + r.getMessage() + " (" + r.code() + ")";
            return r.status() == 401 && SIGN_IN_ENDED.contains(r.code()) && !line.contains("safelight login")
                    ? line + ": sign in again with 'safelight login --server URL --email E'" : line;
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof DirectoryNotEmptyException d) {
            return "the output folder is not empty: " + d.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile() + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        }
        if (e instanceof IOException) {
            return "I/O error: " + e.getMessage();
        }
        return "unexpected error: " + e;
    }

    /** Refusals that mean the saved sign-in is no good any more (the server was reset, the token revoked). */
    private static final java.util.Set<String> SIGN_IN_ENDED = java.util.Set.of("invalid_token", "token_expired",
            "unauthorized", "invalid_refresh_token", "refresh_token_reused");
}
