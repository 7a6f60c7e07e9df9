package org.safelight.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The cloud role's upload, as the signed-in user, on the server they signed in to. */
public final class Cloud {
    private final ApiClient api;
    private final Accounts accounts;

    public Cloud(ApiClient api, Accounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    /**
     * Uploads a sealed report, streamed from disk.
     *
     * @param reportId the report ID for the query string, or null when package.json names it
     * @return the server's answer: {@code report_id, region, link, download_url, expires_at, size}
     */
    public JsonNode upload(Path sealed, String reportId) throws IOException {
        Credentials c = accounts.current();
        String query = reportId == null ? "" : "?report_id=" + URLEncoder.encode(reportId, StandardCharsets.UTF_8);
        return api.postFile(URI.create(c.server()).resolve("/api/v1/cloud/reports" + query), c.accessToken(), sealed);
    }
}
