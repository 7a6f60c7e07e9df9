package org.safelight.client;

import java.io.IOException;
import java.net.URI;
import org.safelight.client.filing.DynamicKeySource;
import org.safelight.format.report.ReportId;

/**
 * Dynamic-key reports' keys asked as an enterprise, with its Key Server Token (the key server logs
 * each request as the enterprise's). The token only ever goes into the Authorization header of the
 * key route on the origin given; choosing which origins may receive it is {@code ReportKeys}' job.
 */
public final class EnterpriseKeys implements DynamicKeySource {
    private final ApiClient api;
    private final String keyServerToken;

    public EnterpriseKeys(ApiClient api, String keyServerToken) {
        this.api = api;
        this.keyServerToken = keyServerToken;
    }

    /**
     * Only {@code keyServer}'s origin counts: a path, query or fragment cannot steer the token to
     * another route.
     *
     * @throws IOException              when the key server cannot be reached or answers without a key
     * @throws IllegalArgumentException when {@code keyServer} is not an http(s) URL with a host
     */
    @Override
    public String fetchKey(URI keyServer, ReportId report) throws IOException {
        String origin = KeyServerTrust.origin(keyServer.toString());
        String key = api.get(URI.create(origin + "/api/v1/reports/" + report.value() + "/key"), keyServerToken)
                .path("key").asText("");
        if (key.isEmpty()) {
            // Not the report's fault: a key server mid-upgrade or behind a broken proxy; asked again later.
            throw new IOException("the key server " + origin + " answered without a key");
        }
        return key;
    }

    @Override
    public String toString() {
        return "EnterpriseKeys[****]";
    }
}
