package org.safelight.cloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small .picsafe-shaped ZIPs for the cloud's tests: only the structure matters here, not the key. */
final class Zips {
    private Zips() {
    }

    /** A sealed report as our writer makes it: package.json with the report ID, RNCryptor v3 password data. */
    static byte[] sealed(String reportId) {
        String json = reportId == null ? "{\"keyserver_url\":\"https://keys.example.org\"}"
                : "{\"keyserver_url\":\"https://keys.example.org\",\"report_id\":\"" + reportId + "\"}";
        return zip("package.json", json.getBytes(StandardCharsets.UTF_8), "package.encrypted", rncryptor(4096));
    }

    /** Shaped like an RNCryptor v3 password-mode message: 34-byte header, whole blocks, 32-byte HMAC. */
    static byte[] rncryptor(int size) {
        byte[] data = new byte[34 + Math.max(1, size / 16) * 16 + 32];
        new SecureRandom().nextBytes(data);
        data[0] = 3;
        data[1] = 1;
        return data;
    }

    /** Entries as name, bytes, name, bytes... */
    static byte[] zip(Object... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) entries[i]));
                z.write((byte[]) entries[i + 1]);
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
