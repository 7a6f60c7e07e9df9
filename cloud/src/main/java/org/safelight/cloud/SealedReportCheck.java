package org.safelight.cloud;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipFile;
import org.safelight.format.FormatException;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.server.http.ApiException;

/**
 * Tells whether an uploaded file is a sealed report, without any key: a ZIP (read with the format
 * library's limits) holding exactly {@code package.json}, naming a key server or a static key, and
 * {@code package.encrypted}, RNCryptor v3 data in password mode. Plain reports and anything else are
 * refused, so the cloud never holds readable patient data.
 */
final class SealedReportCheck {
    private static final int MAX_PACKAGE_JSON = 64 * 1024;
    private static final String PACKAGE_JSON = "package.json";
    private static final String PACKAGE_ENCRYPTED = "package.encrypted";

    private SealedReportCheck() {
    }

    /**
     * @return the report's package.json
     * @throws ApiException 400 {@code unsafe_zip} when the ZIP breaks a safety rule,
     *                      {@code not_a_sealed_report} when it is readable but no sealed report
     */
    static PackageJson check(Path file, long maxBytes) throws IOException {
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(4);
        }
        if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
            throw notSealed("the upload is not a .picsafe file (not a ZIP)");
        }
        PackageJson packageJson = null;
        boolean encrypted = false;
        Set<String> names = new HashSet<>();
        ZipLimits limits = new ZipLimits(16, maxBytes, maxBytes, ZipLimits.REPORT.maxRatio());
        try (InputStream in = Files.newInputStream(file); SafeZipReader zip = new SafeZipReader(in, limits)) {
            for (SafeZipReader.Entry e; (e = zip.next()) != null; ) {
                names.add(e.name());
                InputStream stream = e.stream();
                if (e.name().equals(PACKAGE_JSON)) {
                    byte[] bytes = stream.readNBytes(MAX_PACKAGE_JSON + 1);
                    if (bytes.length > MAX_PACKAGE_JSON) {
                        throw notSealed("package.json is too large");
                    }
                    packageJson = PackageJson.read(new ByteArrayInputStream(bytes));
                } else if (e.name().equals(PACKAGE_ENCRYPTED)) {
                    byte[] head = stream.readNBytes(2);
                    encrypted = head.length == 2 && head[0] == 3 && head[1] == 1;
                }
                stream.transferTo(OutputStream.nullOutputStream());
            }
        } catch (UnsafeZipException e) {
            throw new ApiException(400, "unsafe_zip", "the upload is not a safe ZIP: " + e.getMessage());
        } catch (FormatException e) {
            throw notSealed("the upload's package.json is not valid: " + e.getMessage());
        } catch (IOException e) {
            // a truncated or corrupt archive fails while inflating
            throw new ApiException(400, "unsafe_zip", "the upload is not a readable ZIP (truncated or corrupt)");
        }
        if (!names.equals(Set.of(PACKAGE_JSON, PACKAGE_ENCRYPTED))) {
            throw notSealed(names.contains("metadata.json")
                    ? "the upload is a plain (unencrypted) report; only sealed reports go to the cloud"
                    : "a sealed report holds exactly package.json and package.encrypted");
        }
        if (!encrypted) {
            throw notSealed("package.encrypted is not RNCryptor v3 password-mode data");
        }
        if (!indexedNames(file).equals(names)) {
            // Most tools open a ZIP by the index at its end, not front to back as above: both readings
            // must show the same sealed report, or a plain one could hide behind it.
            throw notSealed("the ZIP's index lists other files than its entries hold");
        }
        return packageJson;
    }

    /** The names the ZIP's central directory lists, as ZIP tools would show them; read no data. */
    private static Set<String> indexedNames(Path file) {
        Set<String> names = new HashSet<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.size() > 16) {
                throw notSealed("the ZIP's index lists too many files");
            }
            zip.stream().forEach(e -> names.add(e.getName()));
        } catch (IOException e) {
            throw new ApiException(400, "unsafe_zip", "the upload's ZIP index is not readable");
        }
        return names;
    }

    private static ApiException notSealed(String message) {
        return new ApiException(400, "not_a_sealed_report", message);
    }
}
