package org.safelight.cli.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.util.List;
import java.util.stream.Stream;
import org.safelight.cli.client.EnterpriseReports;
import org.safelight.cli.client.RefusedException;
import org.safelight.cli.sync.FailureRule.Skip;
import org.safelight.cli.sync.FailureRule.Step;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;

/**
 * One pass of {@code safelight sync}: every report the enterprise listing has after the folder's
 * cursor, oldest first, downloaded (streamed to a staging folder inside the output folder, its size
 * checked), its key fetched with the Key Server Token, verified and decrypted, and moved into
 * {@code DIR/{ReportID}/} with one rename; the cursor is saved after each report.
 *
 * <ul>
 * <li>A report whose folder exists is skipped: running twice writes nothing new.</li>
 * <li>Every failure while handling one report goes through {@link FailureRule}: transport and disk
 *     failures and 401/429/5xx from the download or the real key route are thrown, the cursor stays
 *     before the report and the next run tries it again; everything the report's content causes
 *     (malformed or unsafe, failed integrity, refused, any unexpected failure while reading it) gets
 *     one stderr line, nothing is written, and the cursor moves past it; {@link Result#exitCode}
 *     tells the worst.</li>
 * </ul>
 */
public final class ReportSync {
    static final int PAGE = 100;
    private static final String STAGING = ".safelight-staging-";

    /** What one pass came to. */
    public record Result(int written, int present, int refused, int failedIntegrity, int malformed, int needKey) {
        Result add(Result o) {
            return new Result(written + o.written, present + o.present, refused + o.refused,
                    failedIntegrity + o.failedIntegrity, malformed + o.malformed, needKey + o.needKey);
        }

        /** 3 integrity, 4 malformed, 2 a key is missing (--private-key), 5 refused, else 0 (DESIGN §7). */
        public int exitCode() {
            return failedIntegrity > 0 ? 3 : malformed > 0 ? 4 : needKey > 0 ? 2 : refused > 0 ? 5 : 0;
        }
    }

    private final EnterpriseReports server;
    private final String serverUrl;
    private final Path out;
    private final List<URI> trustedKeyServers;
    private final PrivateKey privateKey;
    private final PrintStream stdout;
    private final PrintWriter stderr;

    /**
     * @param trustedKeyServers origins ({@link PackageJson#originOf}) of the only key servers the Key Server
     *                          Token is sent to; a report naming another is skipped (a report's author must
     *                          not be able to collect the token)
     * @param privateKey        for static-key reports, or null
     */
    public ReportSync(EnterpriseReports server, String serverUrl, Path out, List<URI> trustedKeyServers,
                      PrivateKey privateKey, PrintStream stdout, PrintWriter stderr) {
        this.server = server;
        this.serverUrl = serverUrl;
        this.out = out;
        this.trustedKeyServers = List.copyOf(trustedKeyServers);
        this.privateKey = privateKey;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public Result run() throws IOException {
        Files.createDirectories(out);
        removeStaleStaging();
        SyncState state = SyncState.load(out, serverUrl);
        if (!state.server().equals(serverUrl)) {
            throw new IllegalStateException(out + " is synced from " + state.server() + ", not " + serverUrl
                    + ": use another folder");
        }
        Result total = new Result(0, 0, 0, 0, 0, 0);
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
            stderr.println("safelight: skipped a report with an unusable report ID");
            return new Result(0, 0, 0, 0, 1, 0);
        }
        if (Files.exists(out.resolve(id))) {
            return new Result(0, 1, 0, 0, 0, 0);
        }
        Path staging = Files.createTempDirectory(out, STAGING);
        Step[] step = {Step.DOWNLOAD};
        try {
            Path file = staging.resolve(id + ".picsafe");
            long size = server.download(URI.create(report.path("download_url").asText()), file);
            if (report.has("size") && size != report.path("size").asLong()) {
                throw new IOException("the download of report " + id + " stopped early (" + size + " of "
                        + report.path("size").asLong() + " bytes)");
            }
            step[0] = Step.OPEN;
            ReportMetadata metadata = open(id, file, staging.resolve(id), step);
            if (!id.equals(metadata.details().reportid())) {
                throw new MalformedReportException("the report inside is not " + id);
            }
            // On disk before the rename, and the rename on disk before the cursor moves past the report:
            // after a crash, a folder that is there is whole, and a report the cursor passed is there.
            forceTree(staging.resolve(id));
            Files.move(staging.resolve(id), out.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            AtomicFile.sync(out);
            stdout.println("Wrote report " + id + " (from " + report.path("sender_email").asText("?") + ") to "
                    + out.resolve(id));
            return new Result(1, 0, 0, 0, 0, 0);
        } catch (IOException | RuntimeException e) {
            Skip skip = FailureRule.classify(step[0], e);
            if (skip == null) {
                throw e;
            }
            stderr.println("safelight: skipped report " + id + ": " + FailureRule.reason(skip, e));
            return switch (skip) {
                case REFUSED -> new Result(0, 0, 1, 0, 0, 0);
                case INTEGRITY -> new Result(0, 0, 0, 1, 0, 0);
                case MALFORMED -> new Result(0, 0, 0, 0, 1, 0);
                case NEEDS_KEY -> new Result(0, 0, 0, 0, 0, 1);
            };
        } finally {
            SafeUnzip.deleteTree(staging);
        }
    }

    /** Opens the downloaded file; {@code step} says whether a failure came while asking for the key. */
    private ReportMetadata open(String id, Path file, Path target, Step[] step) throws IOException {
        PackageJson packageJson = Inspection.of(file).packageJson();
        if (packageJson == null) {
            throw new MalformedReportException("the download is not a sealed report");
        }
        ReportKey key;
        if (packageJson.hasStaticKey() && privateKey != null) {
            key = new ReportKey.Private(privateKey);
        } else if (packageJson.hasKeyServer()) {
            // Only the origin counts: a path, query or fragment in the file must not steer the request
            // (and its token) to another route, whose refusals would then stop the run.
            URI keyServer = packageJson.keyServerOrigin();
            if (!trustedKeyServers.contains(keyServer)) {
                throw new RefusedException(403, "untrusted_key_server", "its key server " + keyServer
                        + " is not one the Key Server Token may be sent to (add --key-server " + keyServer + ")");
            }
            step[0] = Step.KEY;
            String password = server.fetchKey(keyServer, new ReportId(id));
            step[0] = Step.OPEN;
            key = new ReportKey.Password(password);
        } else {
            throw new KeyNeededException("it is sealed with a static key: give --private-key", packageJson);
        }
        return new ReportOpener(ZipLimits.REPORT, false).open(file, key, target).metadata();
    }

    private static void forceTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                AtomicFile.sync(p);
            }
        }
    }

    private void removeStaleStaging() throws IOException {
        try (Stream<Path> entries = Files.list(out)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(STAGING)).toList()) {
                SafeUnzip.deleteTree(p);
            }
        }
    }
}
