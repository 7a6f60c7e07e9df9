package org.safelight.client.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.safelight.client.EnterpriseReports;
import org.safelight.client.filing.AtomicFolder;
import org.safelight.client.filing.FailureRule;
import org.safelight.client.filing.FailureRule.Skip;
import org.safelight.client.filing.FailureRule.Step;
import org.safelight.client.filing.FilingListener;
import org.safelight.client.filing.OpeningFailedException;
import org.safelight.client.filing.ReceivedReportOpener;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.report.ReportId;

/**
 * One pass of {@code safelight sync}: every report the enterprise listing has after the folder's
 * cursor, oldest first, downloaded (streamed to a staging folder inside the output folder, its size
 * checked), then opened by a {@link ReceivedReportOpener} (key with the Key Server Token, verify,
 * decrypt, one rename into {@code DIR/{ReportID}/}); the cursor is saved after each report. What
 * happens to each report goes to a {@link FilingListener}; nothing is printed here.
 *
 * <ul>
 * <li>A report whose folder exists is skipped: running twice writes nothing new.</li>
 * <li>Every failure while handling one report goes through {@link FailureRule}: transport and disk
 *     failures and 401/429/5xx from the download or the real key route are thrown, the cursor stays
 *     before the report and the next run tries it again; everything the report's content causes
 *     (malformed or unsafe, failed integrity, refused, any unexpected failure while reading it) is
 *     {@linkplain FilingListener#skipped skipped}, nothing is written, and the cursor moves past it;
 *     {@link Result#exitCode} tells the worst.</li>
 * </ul>
 */
public final class ReportSync {
    static final int PAGE = 100;

    /** What one pass came to. */
    public record Result(int written, int present, int refused, int failedIntegrity, int malformed, int needKey) {
        static final Result NONE = new Result(0, 0, 0, 0, 0, 0);

        Result add(Result o) {
            return new Result(written + o.written, present + o.present, refused + o.refused,
                    failedIntegrity + o.failedIntegrity, malformed + o.malformed, needKey + o.needKey);
        }

        static Result skipped(Skip skip) {
            return switch (skip) {
                case REFUSED -> new Result(0, 0, 1, 0, 0, 0);
                case INTEGRITY -> new Result(0, 0, 0, 1, 0, 0);
                case MALFORMED -> new Result(0, 0, 0, 0, 1, 0);
                case NEEDS_KEY -> new Result(0, 0, 0, 0, 0, 1);
            };
        }

        /** How many reports were skipped, for any reason. */
        public int skipped() {
            return refused + failedIntegrity + malformed + needKey;
        }

        /** 3 integrity, 4 malformed, 2 a key is missing (--private-key), 5 refused, else 0 (DESIGN §7). */
        public int exitCode() {
            return failedIntegrity > 0 ? 3 : malformed > 0 ? 4 : needKey > 0 ? 2 : refused > 0 ? 5 : 0;
        }
    }

    private final EnterpriseReports server;
    private final String serverUrl;
    private final Path out;
    private final ReceivedReportOpener opener;
    private final FilingListener listener;

    /**
     * @param opener opens each download; its keys must trust only the key servers the Key Server
     *               Token may go to, and must not accept plain reports (the cloud holds sealed ones)
     */
    public ReportSync(EnterpriseReports server, String serverUrl, Path out, ReceivedReportOpener opener,
                      FilingListener listener) {
        this.server = server;
        this.serverUrl = serverUrl;
        this.out = out;
        this.opener = opener;
        this.listener = listener;
    }

    /**
     * @throws IllegalStateException when {@code out} is synced from another server
     * @throws IOException           when the run must stop (see the class comment); the cursor stays
     */
    public Result run() throws IOException {
        Files.createDirectories(out);
        AtomicFolder.removeStaging(out);
        SyncState state = SyncState.load(out, serverUrl);
        if (!state.server().equals(serverUrl)) {
            throw new IllegalStateException(out + " is synced from " + state.server() + ", not " + serverUrl
                    + ": use another folder");
        }
        Result total = Result.NONE;
        while (true) {
            JsonNode page = server.list(state.cursor(), PAGE);
            JsonNode reports = page.path("reports");
            if (!reports.isArray() || reports.isEmpty()) {
                return total;
            }
            for (JsonNode report : reports) {
                total = total.add(one(report));
                state = state.withCursor(report.path("cursor").asText());
                state.save(out);
            }
        }
    }

    private Result one(JsonNode report) throws IOException {
        String id = report.path("report_id").asText();
        if (!ReportId.isValid(id)) {
            listener.skipped(null, Skip.MALFORMED, "the listing gave an unusable report ID");
            return Result.skipped(Skip.MALFORMED);
        }
        Path target = out.resolve(id);
        if (Files.exists(target)) {
            listener.alreadyPresent(id);
            return new Result(0, 1, 0, 0, 0, 0);
        }
        Path staging = AtomicFolder.staging(out);
        try {
            Path file = staging.resolve(id + ".picsafe");
            try {
                long size = server.download(URI.create(report.path("download_url").asText()), file);
                if (report.has("size") && size != report.path("size").asLong()) {
                    throw new IOException("the download of report " + id + " stopped early (" + size + " of "
                            + report.path("size").asLong() + " bytes)");
                }
            } catch (IOException | RuntimeException e) {
                Skip skip = FailureRule.classify(Step.DOWNLOAD, e);
                if (skip == null) {
                    throw e;
                }
                listener.skipped(id, skip, FailureRule.reason(skip, e));
                return Result.skipped(skip);
            }
            // The opener syncs the folder before its rename, and the rename is on disk before the
            // cursor moves past the report: after a crash, a folder that is there is whole, and a
            // report the cursor passed is there.
            opener.open(file, id, target);
            listener.written(id, report.path("sender_email").asText(null), target);
            return new Result(1, 0, 0, 0, 0, 0);
        } catch (OpeningFailedException e) {
            if (e.retryable()) {
                throw rethrow(e.failure());
            }
            listener.skipped(id, e.skip(), e.reason());
            return Result.skipped(e.skip());
        } finally {
            SafeUnzip.deleteTree(staging);
        }
    }

    /** The original failure, as it was, so the command maps it to its exit code. */
    private static IOException rethrow(Exception failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        return (IOException) failure;
    }
}
