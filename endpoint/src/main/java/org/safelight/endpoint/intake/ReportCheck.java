package org.safelight.endpoint.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;
import org.safelight.format.FormatException;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;

/**
 * Reads a received file once with the format's one ZIP reading ({@link SafeZipReader} under
 * {@link ZipLimits#REPORT}) and says what it is: a plain report ZIP (its ID from its metadata), or a
 * dynamic-key or static-key {@code .picsafe} (its ID from {@code package.json}, else from the name
 * it was sent under). Nothing is decrypted here.
 */
final class ReportCheck {
    static final String PACKAGE_JSON = "package.json";
    static final String PACKAGE_ENCRYPTED = "package.encrypted";

    /** What the file is. */
    record Checked(String reportId, String kind) {
        boolean sealed() {
            return !kind.equals("plain");
        }
    }

    private ReportCheck() {
    }

    /**
     * @param fileName the name the file was sent under, or null
     * @throws IntakeRefusedException {@code unsafe_zip} or {@code not_a_report}
     */
    static Checked check(InputStream in, String fileName) throws IntakeRefusedException, IOException {
        Set<String> names = new HashSet<>();
        PackageJson packageJson = null;
        ReportMetadata metadata = null;
        int rncryptorVersion = -1;
        try (SafeZipReader zip = new SafeZipReader(in, ZipLimits.REPORT)) {
            for (SafeZipReader.Entry e; (e = zip.next()) != null; ) {
                names.add(e.name());
                InputStream stream = e.stream();
                if (e.name().equals(PACKAGE_JSON)) {
                    packageJson = PackageJson.read(stream);
                } else if (e.name().equals("metadata.json")) {
                    metadata = MetadataJson.read(stream);
                } else if (e.name().equals(PACKAGE_ENCRYPTED)) {
                    int first = stream.read();
                    rncryptorVersion = first;
                }
                stream.transferTo(OutputStream.nullOutputStream());
            }
        } catch (UnsafeZipException e) {
            throw new IntakeRefusedException("unsafe_zip", "the file is not a ZIP that can be read safely: "
                    + e.getMessage());
        } catch (FormatException e) {
            throw new IntakeRefusedException("not_a_report", "the file is not a report: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IntakeRefusedException("not_a_report", "the file is not a report ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (names.contains(PACKAGE_ENCRYPTED)) {
            if (packageJson == null) {
                throw new IntakeRefusedException("not_a_report", "the .picsafe file has no package.json");
            }
            if (rncryptorVersion != 3) {
                throw new IntakeRefusedException("not_a_report", "package.encrypted is not RNCryptor v3 data");
            }
            String kind = packageJson.hasStaticKey() ? "static" : "dynamic";
            return new Checked(sealedId(packageJson, fileName), kind);
        }
        if (metadata == null) {
            throw new IntakeRefusedException("not_a_report",
                    "the file is neither a .picsafe file (package.json + package.encrypted) nor a report ZIP (metadata.json)");
        }
        if (packageJson != null) {
            throw new IntakeRefusedException("not_a_report", "a report ZIP with a package.json must hold package.encrypted");
        }
        for (MediaItem item : metadata.media()) {
            if (!names.contains(item.fileName())) {
                throw new IntakeRefusedException("not_a_report", "the report lists media it does not contain: "
                        + item.fileName());
            }
        }
        try {
            return new Checked(metadata.reportId().value(), "plain");
        } catch (MalformedReportException e) {
            throw new IntakeRefusedException("not_a_report", e.getMessage());
        }
    }

    /** {@code package.json}'s report ID, else the file name's stem ({@code {ReportID}.picsafe}). */
    private static String sealedId(PackageJson packageJson, String fileName) throws IntakeRefusedException {
        if (packageJson.reportId() != null) {
            if (!ReportId.isValid(packageJson.reportId())) {
                throw new IntakeRefusedException("not_a_report", "package.json's report_id is not a valid report ID");
            }
            return packageJson.reportId();
        }
        String stem = fileName == null ? null : fileName.replaceFirst("(?i)\\.picsafe$", "");
        if (stem != null && stem.contains("/")) {
            stem = stem.substring(stem.lastIndexOf('/') + 1);
        }
        if (!ReportId.isValid(stem)) {
            throw new IntakeRefusedException("not_a_report",
                    "the report's ID is unknown: package.json has no report_id and the file is not named {ReportID}.picsafe");
        }
        return stem;
    }
}
