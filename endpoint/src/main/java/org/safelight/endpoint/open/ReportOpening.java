package org.safelight.endpoint.open;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.format.FormatException;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.rncryptor.IntegrityException;

/**
 * Opens a received report into a private work folder: its key (none for plain; from a trusted key
 * server with the Key Server Token; the institution's private key by {@code kid}), the package's
 * HMAC verified before a byte is decrypted, the inner ZIP read under the report limits, and the
 * report inside checked to be the one received. The one place the endpoint calls the format's
 * opener, so it can move to the client module's shared pipeline in one step. Thread-safe.
 */
public final class ReportOpening {
    private static final HexFormat HEX = HexFormat.of();

    private final ReceivedFiles files;
    private final KeyServerKeys keyServers;
    private final PrivateKeys privateKeys;
    private final Clock clock;

    public ReportOpening(ReceivedFiles files, KeyServerKeys keyServers, PrivateKeys privateKeys, Clock clock) {
        this.files = files;
        this.keyServers = keyServers;
        this.privateKeys = privateKeys;
        this.clock = clock;
    }

    /**
     * Opens the claimed report into {@code work} (a new private folder the caller deletes), as
     * {@code work/contents}.
     */
    public OpenedReport open(EndpointStore.Claim report, Path work) throws OpenFailure {
        Path stored = files.stored(report.storedAs());
        if (!Files.isRegularFile(stored)) {
            throw new OpenFailure("its received file is no longer there", false);
        }
        try {
            Path file = stored;
            if (report.atRest() == ReceivedFiles.AtRest.MASTER_KEY) {
                file = work.resolve("received.zip");
                try (InputStream in = files.read(stored, report.atRest()); OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                } catch (IntegrityException e) {
                    throw new OpenFailure("its stored file fails its integrity check (altered on disk, or another"
                            + " master key)", false);
                }
            }
            ReportKey key = key(report, file);
            Path contents = work.resolve("contents");
            ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, false).open(file, key, contents);
            if (file != stored) {
                Files.delete(file);
            }
            if (!report.reportId().equals(opened.metadata().details().reportid())) {
                throw new OpenFailure("the report inside is not " + report.reportId(), false);
            }
            return new OpenedReport(report.reportId(), contents, opened.metadata(), report.arrival(), report.kind(),
                    report.sha256(), hashes(contents, opened), clock.instant());
        } catch (IntegrityException e) {
            throw new OpenFailure("its key does not open it, or it was altered (integrity check failed)", false);
        } catch (KeyNeededException e) {
            throw new OpenFailure("no key fits it: " + e.getMessage(), false);
        } catch (UnsafeZipException e) {
            throw new OpenFailure("its package is not a ZIP that can be read safely: " + e.getMessage(), false);
        } catch (FormatException e) {
            throw new OpenFailure("it is malformed: " + e.getMessage(), false);
        } catch (IOException e) {
            throw new OpenFailure("it could not be opened for a disk error (" + e.getClass().getSimpleName()
                    + "); retried later", true, e);
        }
    }

    private ReportKey key(EndpointStore.Claim report, Path file) throws OpenFailure, IOException {
        if (report.kind().equals("plain")) {
            return new ReportKey.None();
        }
        PackageJson packageJson = Inspection.of(file).packageJson();
        if (packageJson == null) {
            throw new MalformedReportException("the .picsafe file has no package.json");
        }
        if (report.kind().equals("static")) {
            String kid = packageJson.staticKey().kid();
            PrivateKey key = privateKeys.forKid(kid).orElseThrow(() -> new OpenFailure(
                    "no private key of this endpoint has the kid " + kid + " (--endpoint-private-keys)", false));
            return new ReportKey.Private(key);
        }
        return new ReportKey.Password(keyServers.fetch(packageJson, report.reportId()));
    }

    private static Map<String, String> hashes(Path contents, ReportOpener.Opened opened) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String name : opened.files()) {
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(contents.resolve(name))) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            hashes.put(name, HEX.formatHex(sha.digest()));
        }
        return hashes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
