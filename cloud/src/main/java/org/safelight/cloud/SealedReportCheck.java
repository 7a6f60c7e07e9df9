package org.safelight.cloud;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.safelight.format.FormatException;
import org.safelight.format.container.SafeZipReader;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * Tells whether an uploaded file is a sealed report, without any key: a ZIP (read with the format
 * library's limits and its one-reading rule, so the central directory lists exactly what was read)
 * holding exactly {@code package.json}, naming a key server or a static key, and
 * {@code package.encrypted}, shaped like an RNCryptor v3 password-mode message. Plain reports and
 * anything else are refused, so the cloud never holds readable patient data.
 *
 * <p>What this cannot tell: an uploader who encrypts a plain report under a password they publish
 * makes a well-formed message; only the HMAC, which needs the key, would show it.
 */
final class SealedReportCheck {
    private static final int MAX_PACKAGE_JSON = 64 * 1024;
    private static final String PACKAGE_JSON = "package.json";
    private static final String PACKAGE_ENCRYPTED = "package.encrypted";
    /** version 3, options 1 (password), encryption salt 8, HMAC salt 8, IV 16. */
    private static final int HEADER = 34;
    private static final int BLOCK = 16;
    private static final int HMAC = 32;

    private SealedReportCheck() {
    }

    /**
     * @return the report's package.json
     * @throws Refusal 400 {@code unsafe_zip} when the ZIP breaks a safety rule (or any reader could
     *                      read it otherwise), {@code not_a_sealed_report} when it is readable but no
     *                      sealed report
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
        String encrypted = "package.encrypted is missing";
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
                    encrypted = rncryptorProblem(stream);
                } // the reader reads (and checks) whatever is left of the entry before the next one
            }
        } catch (UnsafeZipException e) {
            throw new Refusal(ErrorCode.UNSAFE_ZIP, "the upload is not a safe ZIP: " + e.getMessage());
        } catch (FormatException e) {
            throw notSealed("the upload's package.json is not valid: " + e.getMessage());
        }
        if (!names.equals(Set.of(PACKAGE_JSON, PACKAGE_ENCRYPTED))) {
            throw notSealed(names.contains("metadata.json")
                    ? "the upload is a plain (unencrypted) report; only sealed reports go to the cloud"
                    : "a sealed report holds exactly package.json and package.encrypted");
        }
        if (encrypted != null) {
            throw notSealed(encrypted);
        }
        return packageJson;
    }

    /**
     * Why the bytes are not an RNCryptor v3 password-mode message, or null when they are shaped like
     * one: the header, then AES-CBC blocks (at least one, PKCS#7 padded), then the 32-byte HMAC.
     */
    private static String rncryptorProblem(InputStream stream) throws IOException {
        byte[] head = stream.readNBytes(2);
        if (head.length < 2 || head[0] != 3) {
            return "package.encrypted is not RNCryptor v3 data";
        }
        if (head[1] != 1) {
            return "package.encrypted is not RNCryptor password-mode data (options " + head[1] + ")";
        }
        long length = 2 + stream.transferTo(OutputStream.nullOutputStream());
        long ciphertext = length - HEADER - HMAC;
        if (ciphertext < BLOCK || ciphertext % BLOCK != 0) {
            return "package.encrypted is not a whole RNCryptor v3 message (" + length + " bytes: not a "
                    + HEADER + "-byte header, whole 16-byte blocks and a " + HMAC + "-byte HMAC)";
        }
        return null;
    }

    private static Refusal notSealed(String message) {
        return new Refusal(ErrorCode.NOT_A_SEALED_REPORT, message);
    }
}
