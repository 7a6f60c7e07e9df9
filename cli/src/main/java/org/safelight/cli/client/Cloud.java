package org.safelight.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        checkAllowance(c, Files.size(sealed));
        String query = reportId == null ? "" : "?report_id=" + URLEncoder.encode(reportId, StandardCharsets.UTF_8);
        return api.postFile(URI.create(c.server()).resolve("/api/v1/cloud/reports" + query), c.accessToken(), sealed);
    }

    /**
     * Asks what the server takes before sending, so a report over a limit is refused at once and by
     * name: a server refuses an upload it has not read by closing the connection, and the client
     * would otherwise see only that. A server without the allowance route is not asked.
     */
    private void checkAllowance(Credentials c, long size) throws IOException {
        JsonNode a;
        try {
            a = api.get(URI.create(c.server()).resolve("/api/v1/cloud/allowance"), c.accessToken());
        } catch (RefusedException e) {
            if (e.status() == 404) {
                return;
            }
            throw e;
        }
        long max = a.path("max_upload_bytes").asLong(Long.MAX_VALUE);
        if (size > max) {
            throw new RefusedException(413, "upload_too_large", "the report is " + mib(size) + "; this server takes"
                    + " reports up to " + mib(max));
        }
        long quota = a.path("quota_bytes").asLong(0);
        long taken = a.path("taken_bytes").asLong(0);
        if (quota > 0 && taken + size > quota) {
            throw new RefusedException(403, "quota_exceeded", "your reports on this server already take "
                    + mib(taken) + " of your " + mib(quota) + ", and this one needs " + mib(size)
                    + "; space comes back as they expire, 7 days after each upload");
        }
        if (a.has("uploads_left") && a.path("uploads_left").asInt() < 1) {
            throw new RefusedException(429, "rate_limited", "you have made this hour's "
                    + a.path("uploads_per_hour").asInt() + " uploads; try again in a few minutes");
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
