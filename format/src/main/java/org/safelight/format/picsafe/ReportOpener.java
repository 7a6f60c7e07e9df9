package org.safelight.format.picsafe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.safelight.format.FormatException;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.rncryptor.IntegrityException;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;

/**
 * Opens a .picsafe file (dynamic or static key) or a plain package.zip into a new folder. The
 * encrypted package is verified before a byte of it is decrypted, the inner ZIP is extracted under
 * {@link ZipLimits#REPORT} into a staging folder and moved into place only when its metadata reads
 * and every media item it lists is there. Nothing is left behind on failure.
 */
public final class ReportOpener {
    private final ZipLimits limits;
    private final boolean explainIntegrityFailures;

    /**
     * @param explainIntegrityFailures tell a wrong key from altered data (see {@link RNCryptor#diagnose});
     *                                 only for a local user, never for a server answering others
     */
    public ReportOpener(ZipLimits limits, boolean explainIntegrityFailures) {
        this.limits = limits;
        this.explainIntegrityFailures = explainIntegrityFailures;
    }

    public record Opened(Path folder, ReportMetadata metadata, List<String> files, boolean wasEncrypted) {
    }

    /**
     * @throws MalformedReportException when the file is not a report, or reading its hostile bytes
     *                                  failed in any unforeseen way (never a bare runtime exception)
     * @throws org.safelight.format.container.UnsafeZipException when a ZIP in it breaks a safety rule
     * @throws IntegrityException when the key is wrong or the package was altered
     */
    public Opened open(Path file, ReportKey key, Path outDir) throws IOException {
        try {
            return openChecked(file, key, outDir);
        } catch (RuntimeException e) {
            throw new MalformedReportException("the report cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private Opened openChecked(Path file, ReportKey key, Path outDir) throws IOException {
        ReportFileKind kind = ReportFileKind.probe(file);
        return switch (kind) {
            case PICSAFE -> openPicsafe(file, key, outDir);
            case PLAIN_REPORT -> {
                try (InputStream in = Files.newInputStream(file)) {
                    yield extract(in, outDir, false);
                }
            }
            case RNCRYPTOR -> throw new MalformedReportException(
                    "this is bare RNCryptor data, not a report: use 'safelight decrypt'");
            case OTHER_ZIP -> throw new MalformedReportException(
                    "this ZIP is neither a .picsafe file (package.json + package.encrypted) nor a report (metadata.json)");
            case UNKNOWN -> throw new MalformedReportException("not a .picsafe file or a report ZIP");
        };
    }

    private Opened openPicsafe(Path file, ReportKey key, Path outDir) throws IOException {
        Path spool = Files.createTempFile("safelight-", ".package.encrypted");
        try {
            PackageJson packageJson = null;
            try (InputStream in = Files.newInputStream(file);
                 SafeZipReader zip = new SafeZipReader(in, limits)) {
                for (SafeZipReader.Entry e; (e = zip.next()) != null; ) {
                    if (e.name().equals(PicsafeWriter.PACKAGE_JSON)) {
                        packageJson = PackageJson.read(e.stream());
                    } else if (e.name().equals(PicsafeWriter.PACKAGE_ENCRYPTED)) {
                        try (OutputStream out = Files.newOutputStream(spool)) {
                            e.stream().transferTo(out);
                        }
                    }
                }
            }
            if (packageJson == null) {
                throw new MalformedReportException("the .picsafe file has no package.json");
            }
            Secret secret = secretFor(packageJson, key);
            InputStream plain;
            try {
                plain = RNCryptor.openVerified(spool, secret);
            } catch (IntegrityException e) {
                throw explainIntegrityFailures ? RNCryptor.diagnose(spool, secret) : e;
            }
            try (plain) {
                return extract(plain, outDir, true);
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static Secret secretFor(PackageJson packageJson, ReportKey key) throws FormatException {
        if (key instanceof ReportKey.Password p) {
            return Secret.password(p.value());
        }
        if (key instanceof ReportKey.Private p) {
            if (!packageJson.hasStaticKey()) {
                throw new KeyNeededException("this report was not sealed with a static key; its key is held by "
                        + "the key server at " + packageJson.keyserverUrl(), packageJson);
            }
            return Secret.password(StaticKeys.unwrap(p.key(), packageJson.staticKey()));
        }
        throw new KeyNeededException(packageJson.hasKeyServer()
                ? "this report's key is held by the key server at " + packageJson.keyserverUrl()
                : "this report is sealed with a static key (kid " + packageJson.staticKey().kid()
                        + "): give the institution's private key", packageJson);
    }

    private Opened extract(InputStream zip, Path outDir, boolean encrypted) throws IOException {
        ReportMetadata[] metadata = new ReportMetadata[1];
        List<String> files = SafeUnzip.extract(zip, outDir, limits, (staged, names) -> {
            if (!names.contains("metadata.json")) {
                throw new MalformedReportException("the report has no metadata.json");
            }
            try (InputStream in = Files.newInputStream(staged.resolve("metadata.json"))) {
                metadata[0] = MetadataJson.read(in);
            }
            List<String> missing = new ArrayList<>();
            for (MediaItem item : metadata[0].media()) {
                if (!names.contains(item.fileName())) {
                    missing.add(item.fileName());
                }
            }
            if (!missing.isEmpty()) {
                throw new MalformedReportException("the report lists media it does not contain: " + missing);
            }
        });
        return new Opened(outDir, metadata[0], files, encrypted);
    }
}
