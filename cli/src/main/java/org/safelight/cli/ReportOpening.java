package org.safelight.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.safelight.client.NotSignedInException;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.ReportId;

/**
 * Opens a report file as {@code safelight open} does, for every command that needs its contents:
 * with the key given ({@code --password}, {@code --private-key}), else a plain report as it is,
 * else the key asked from the report's key server as the signed-in user (trusted servers only).
 * The package is verified before anything is decrypted; a damaged or hostile file writes nothing.
 */
final class ReportOpening {
    private ReportOpening() {
    }

    /**
     * @param keyServers key servers named on this command line with {@code --key-server}
     * @param outDir     a new (or empty) folder for the report's files
     */
    static ReportOpener.Opened open(Main main, Path file, OfflineKey keyChoice, List<String> keyServers, Path outDir)
            throws IOException {
        ReportKey key = OfflineKey.of(keyChoice);
        ReportOpener opener = new ReportOpener(ZipLimits.REPORT, true);
        try {
            return opener.open(file, key, outDir);
        } catch (KeyNeededException e) {
            if (!(key instanceof ReportKey.None) || !e.packageJson().hasKeyServer()) {
                throw e;
            }
            // Ask the key server named in the report, as the signed-in user; it logs the request first.
            String reportKey;
            try {
                // Its origin only: a path or query in the report must not steer where the token goes.
                reportKey = new ClientContext(main, keyServers).keyServer.fetchKey(
                        e.packageJson().keyServerOrigin(), reportId(file, e.packageJson()));
            } catch (NotSignedInException notSignedIn) {
                throw new NotSignedInException(e.getMessage() + ": sign in first with 'safelight login --server URL"
                        + " --email E', or give the key with --password");
            } catch (IOException unreachable) {
                throw new IOException(unreachable.getMessage() + "; or give the report's key with --password KEY",
                        unreachable);
            }
            return opener.open(file, new ReportKey.Password(reportKey), outDir);
        }
    }

    /** The report ID the key server knows the report by: package.json's, else the file's name. */
    private static ReportId reportId(Path file, PackageJson packageJson) {
        if (packageJson.reportId() != null && ReportId.isValid(packageJson.reportId())) {
            return new ReportId(packageJson.reportId());
        }
        String name = file.getFileName().toString();
        String id = name.endsWith(".picsafe") ? name.substring(0, name.length() - ".picsafe".length()) : name;
        if (!ReportId.isValid(id)) {
            throw new Failures.UsageException("cannot tell the report ID to ask the key server for: name the file "
                    + "{ReportID}.picsafe as it was sent");
        }
        return new ReportId(id);
    }
}
