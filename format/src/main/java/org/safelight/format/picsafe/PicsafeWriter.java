package org.safelight.format.picsafe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.NonClosingOutputStream;
import org.safelight.format.rncryptor.EncryptingOutputStream;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;

/**
 * Wraps a package.zip into its protection: {@code {ReportID}.picsafe} holding package.json and
 * package.encrypted, or the plain package.zip. Streams in one pass; the file appears complete or
 * not at all.
 */
public final class PicsafeWriter {
    static final String PACKAGE_JSON = "package.json";
    static final String PACKAGE_ENCRYPTED = "package.encrypted";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PicsafeWriter() {
    }

    /** @param reportId written into package.json when not null */
    public static void write(Path out, Protection protection, String reportId, AtomicFile.Writer packageZip)
            throws IOException {
        AtomicFile.write(out, stream -> write(stream, protection, reportId, packageZip));
    }

    public static void write(OutputStream out, Protection protection, String reportId, AtomicFile.Writer packageZip)
            throws IOException {
        if (protection instanceof Protection.Plain) {
            packageZip.writeTo(out);
            return;
        }
        String reportKey;
        PackageJson packageJson;
        if (protection instanceof Protection.DynamicKey d) {
            reportKey = d.reportKey();
            packageJson = new PackageJson(d.keyserverUrl(), null, reportId);
        } else {
            reportKey = newReportKey();
            packageJson = new PackageJson(null, StaticKeys.wrap(((Protection.StaticKey) protection).institutionKey(),
                    reportKey), reportId);
        }
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.putNextEntry(new ZipEntry(PACKAGE_JSON));
        zip.write(packageJson.toBytes());
        zip.closeEntry();
        // Ciphertext does not compress: store it in deflate's stored blocks rather than spend CPU.
        zip.setLevel(Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(PACKAGE_ENCRYPTED));
        // AES here, the HMAC and this ZIP's stored blocks on a second thread: a report of photos is tens of MB
        EncryptingOutputStream encrypted = RNCryptor.encryptingStreamOnTwoThreads(new NonClosingOutputStream(zip),
                Secret.password(reportKey));
        try {
            packageZip.writeTo(encrypted);
            encrypted.finish();
        } finally {
            encrypted.abandon(); // after a failure: the second thread stops (once finished, nothing to do)
        }
        zip.closeEntry();
        zip.finish();
    }

    /** A fresh report key: 256 random bits as base64url text, used as the RNCryptor password. */
    public static String newReportKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
