package org.safelight.client.filing;

import java.io.IOException;
import java.net.URI;
import org.safelight.format.report.ReportId;

/**
 * Asks a key server for a dynamic-key report's key. Called only with a key server's origin that
 * {@link ReportKeys} has already found on its trusted list.
 */
@FunctionalInterface
public interface DynamicKeySource {
    /**
     * @param keyServerOrigin {@code scheme://host[:port]} of a trusted key server
     * @throws org.safelight.client.RefusedException when the key server refuses (401, 403, 404, 5xx...)
     * @throws IOException                           when it cannot be reached
     */
    String fetchKey(URI keyServerOrigin, ReportId report) throws IOException;
}
