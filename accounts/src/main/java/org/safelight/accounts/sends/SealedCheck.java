package org.safelight.accounts.sends;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import org.safelight.format.FormatException;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportFileKind;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * Whether a file is a sealed report with the expected report ID, told without any key by the
 * format library's strict reader (its ZIP limits and one-reading rule): a ZIP of exactly
 * {@code package.json} (naming a key server or a static key) and {@code package.encrypted}
 * (RNCryptor v3, password mode). The server sends nothing readable: a plain report is refused.
 * Shared with the Box and Dropbox upload ({@code storage.StorageHandlers}).
 */
public final class SealedCheck {
    private static final Pattern REPORT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> SEALED = Set.of("package.json", "package.encrypted");

    private SealedCheck() {
    }

    /** @throws Refusal {@code invalid_report_id} */
    public static String reportId(String given) {
        if (given == null || given.isEmpty()) {
            throw new Refusal(ErrorCode.REPORT_ID_REQUIRED, "give the report's ID (report_id)");
        }
        if (!REPORT_ID.matcher(given).matches()) {
            throw new Refusal(ErrorCode.INVALID_REPORT_ID, "a report ID is 1 to 64 letters, digits, '_' or '-'");
        }
        return given;
    }

    /**
     * @param fileName the name the client gave the file; a {@code X.picsafe} name must name the report
     * @return the report's package.json
     * @throws Refusal {@code not_a_sealed_report}, {@code unsafe_zip} or {@code report_id_mismatch}
     */
    public static PackageJson check(Path file, String reportId, String fileName) throws IOException {
        Inspection inspection;
        try {
            inspection = Inspection.of(file);
        } catch (UnsafeZipException e) {
            throw new Refusal(ErrorCode.UNSAFE_ZIP, "the file is not a safe ZIP: " + e.getMessage());
        } catch (FormatException e) {
            throw notSealed("the file cannot be read as a report: " + e.getMessage());
        }
        if (inspection.kind() == ReportFileKind.PLAIN_REPORT) {
            throw notSealed("this is a plain (unencrypted) report; the server sends sealed .picsafe reports only");
        }
        if (inspection.kind() != ReportFileKind.PICSAFE) {
            throw notSealed("the file is not a sealed .picsafe report");
        }
        Set<String> names = Set.copyOf(inspection.entries().stream().map(Inspection.Entry::name).toList());
        PackageJson pkg = inspection.packageJson();
        if (!names.equals(SEALED) || names.size() != inspection.entries().size()) {
            throw notSealed("a sealed report holds exactly package.json and package.encrypted");
        }
        if (pkg == null || !(pkg.hasKeyServer() || pkg.hasStaticKey())) {
            throw notSealed("the report's package.json names no key server and no static key");
        }
        if (inspection.rncryptorVersion() != 3 || inspection.rncryptorOptions() != 1) {
            throw notSealed("package.encrypted is not RNCryptor v3 password-mode data");
        }
        if (pkg.reportId() != null && !pkg.reportId().equals(reportId)) {
            throw mismatch("the report's package.json");
        }
        // Without an ID inside, the file's name is the report's ID (a renamed copy, "x (1).picsafe", names none)
        String stem = fileName != null && fileName.endsWith(".picsafe")
                ? fileName.substring(0, fileName.length() - ".picsafe".length()) : "";
        if (pkg.reportId() == null && REPORT_ID.matcher(stem).matches() && !stem.equals(reportId)) {
            throw mismatch("the file's name");
        }
        return pkg;
    }

    private static Refusal mismatch(String where) {
        return new Refusal(ErrorCode.REPORT_ID_MISMATCH, "the report ID given differs from the one in " + where
                + "; nothing was sent");
    }

    private static Refusal notSealed(String message) {
        return new Refusal(ErrorCode.NOT_A_SEALED_REPORT, message);
    }
}
