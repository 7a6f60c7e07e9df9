package org.safelight.accounts.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;

/** Report files as a client sends them to be sent on: sealed .picsafe files, plain reports, other bytes. */
public final class SealedFiles {
    private SealedFiles() {
    }

    private static final long FIXED_TIME = 1_764_300_000_000L;

    /** A plain report ZIP of {@code id} with {@code photoBytes} random bytes of photo. */
    public static byte[] plain(String id, int photoBytes) {
        byte[] photo = new byte[photoBytes];
        new Random(id.hashCode()).nextBytes(photo);
        return zip(new String[] {"metadata.json", "report.pdf", "1.jpg"},
                new byte[][] {("{\"report\": {\"details\": {\"reportid\": \"" + id + "\"}}}").getBytes(StandardCharsets.UTF_8),
                        "%PDF-1.7 a report".getBytes(StandardCharsets.UTF_8), photo});
    }

    /** {@code id} sealed for the key server at {@code keyServer}, its package.json naming {@code id}. */
    public static byte[] sealed(String id, String keyServer, int photoBytes) {
        return sealed(id, id, keyServer, photoBytes);
    }

    /** A report sealed with {@code idInside} in its package.json (null for none). */
    public static byte[] sealed(String id, String idInside, String keyServer, int photoBytes) {
        byte[] zip = plain(id, photoBytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PicsafeWriter.write(out, new Protection.DynamicKey("report-key-" + id, keyServer), idInside,
                    o -> o.write(zip));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A ZIP that is no report. */
    public static byte[] otherZip() {
        return zip(new String[] {"notes.txt"}, new byte[][] {"hello".getBytes(StandardCharsets.UTF_8)});
    }

    private static byte[] zip(String[] names, byte[][] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < names.length; i++) {
                ZipEntry entry = new ZipEntry(names[i]);
                entry.setTime(FIXED_TIME); // the same bytes each time they are made, whatever the clock
                zip.putNextEntry(entry);
                zip.write(contents[i]);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
