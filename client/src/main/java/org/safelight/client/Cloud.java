package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The cloud role's upload and download, as the signed-in user, on the server they signed in to. */
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
     * Downloads the sealed report a share link names, as the signed-in user, into {@code target}
     * whole or not at all: the bytes go to a temporary file beside it, moved into place only when
     * complete, and deleted on any failure. The link must belong to the signed-in server; another
     * server's link is refused before any request, so the user's token goes only where it was issued.
     *
     * @throws ForeignLinkException      when the link is another server's
     * @throws RefusedException          404 report_not_found, 410 report_expired, 401/403 for the sign-in
     * @throws FileAlreadyExistsException when {@code target} exists (nothing is overwritten)
     * @return the number of bytes written
     */
    public long download(ShareLink link, Path target) throws IOException {
        Credentials c = accounts.current();
        if (!link.belongsTo(c.server())) {
            throw new ForeignLinkException("this link is on " + link.server() + ", but you are signed in to "
                    + c.server() + ", and your sign-in is sent only there: sign in to its server with 'safelight login"
                    + " --server " + link.server() + " --email E', or open the link in a browser");
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "give another -o, or delete it first");
        }
        Path folder = target.toAbsolutePath().getParent();
        Path partial = Files.createTempFile(folder, "." + target.getFileName() + "-", ".part");
        try {
            long size = api.download(link.downloadUrl(c.server()), c.accessToken(), partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return size;
        } finally {
            Files.deleteIfExists(partial);
        }
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
