package org.safelight.cli.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;

/**
 * Sealed reports as a client app makes them: the key from the key server, the report (here random
 * bytes standing for the inner ZIP, which the cloud never opens) encrypted under it by the format
 * library's writer, package.json naming the key server.
 */
final class SealedReports {
    private SealedReports() {
    }

    /** A fresh report ID: letters, digits and dashes, unique per call. */
    static String newReportId(String prefix) {
        return prefix + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    }

    /** A .picsafe file of about {@code payloadBytes} sealed under {@code key} for {@code keyServer}. */
    static byte[] seal(String reportId, String key, String keyServer, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payloadBytes + 4096);
        try {
            PicsafeWriter.write(out, new Protection.DynamicKey(key, keyServer), reportId, zip -> zip.write(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
