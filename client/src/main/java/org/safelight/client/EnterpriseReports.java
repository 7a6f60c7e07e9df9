package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.safelight.client.filing.DynamicKeySource;
import org.safelight.format.report.ReportId;

/**
 * What an enterprise's sync script asks, with machine credentials rather than a sign-in: the list
 * of its members' cloud reports and their bytes (API key), and their keys (Key Server Token). The
 * secrets only ever go into Authorization headers.
 */
public final class EnterpriseReports implements DynamicKeySource {
    private final ApiClient api;
    private final URI server;
    private final String apiKey;
    private final EnterpriseKeys keys;

    public EnterpriseReports(ApiClient api, URI server, String apiKey, String keyServerToken) {
        this.api = api;
        this.server = server;
        this.apiKey = apiKey;
        this.keys = new EnterpriseKeys(api, keyServerToken);
    }

    /** {@code {"reports": [...], "next"}}: reports after {@code cursor} (null for the first), oldest first. */
    public JsonNode list(String cursor, int limit) throws IOException {
        String query = "?limit=" + limit + (cursor == null ? "" : "&after=" + URLEncoder.encode(cursor,
                StandardCharsets.UTF_8));
        return api.get(server.resolve("/api/v1/enterprise/reports" + query), apiKey);
    }

    /** Streams a report's bytes into {@code target}; returns how many were written. */
    public long download(URI downloadUrl, Path target) throws IOException {
        return api.download(downloadUrl, apiKey, target);
    }

    /**
     * The report's key from its key server; the key server logs the request as the enterprise's.
     * Only {@code keyServer}'s origin counts (see {@link EnterpriseKeys}).
     */
    @Override
    public String fetchKey(URI keyServer, ReportId report) throws IOException {
        return keys.fetchKey(keyServer, report);
    }
}
