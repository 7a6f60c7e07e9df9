package org.safelight.cli.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.util.List;
import java.util.stream.Stream;
import org.safelight.cli.client.EnterpriseReports;
import org.safelight.cli.client.RefusedException;
import org.safelight.format.FormatException;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.rncryptor.IntegrityException;

/**
 * One pass of {@code safelight sync}: every report the enterprise listing has after the folder's
 * cursor, oldest first, downloaded (streamed to a staging folder inside the output folder, its size
 * checked), its key fetched with the Key Server Token, verified and decrypted, and moved into
 * {@code DIR/{ReportID}/} with one rename; the cursor is saved after each report.
 *
 * <ul>
 * <li>A report whose folder exists is skipped: running twice writes nothing new.</li>
 * <li>Transient failures (network, 429, 5xx) and a refused credential (401) are thrown: the cursor
 *     stays before the report, so the next run tries it again.</li>
 * <li>Permanent refusals (expired or revoked report, 403, 404) and reports that fail their integrity
 *     check or are malformed get one stderr line each, are not written, and the cursor moves past
 *     them; {@link Result#exitCode} tells the worst.</li>
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
     * @param trustedKeyServers the only key servers the Key Server Token is sent to; a report naming
     *                          another is skipped (a report's author must not be able to collect the token)
     * @param privateKey        for static-key reports, or null
     */
    public ReportSync(EnterpriseReports server, String serverUrl, Path out, List<URI> trustedKeyServers,
                      PrivateKey privateKey, PrintStream stdout, PrintWriter stderr) {
        this.server = server;
        this.serverUrl = serverUrl;
        this.out = out;
        this.trustedKeyServers = trustedKeyServers;
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
        try {
            Path file = staging.resolve(id + ".picsafe");
            long size = server.download(URI.create(report.path("download_url").asText()), file);
            if (report.has("size") && size != report.path("size").asLong()) {
                throw new IOException("the download of report " + id + " stopped early (" + size + " of "
                        + report.path("size").asLong() + " bytes)");
            }
            ReportMetadata metadata = open(id, file, staging.resolve(id));
            if (!id.equals(metadata.details().reportid())) {
                throw new org.safelight.format.report.MalformedReportException("the report inside is "
                        + metadata.details().reportid() + ", not " + id);
            }
            // On disk before the rename, and the rename on disk before the cursor moves past the report:
            // after a crash, a folder that is there is whole, and a report the cursor passed is there.
            forceTree(staging.resolve(id));
            Files.move(staging.resolve(id), out.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            AtomicFile.sync(out);
            stdout.println("Wrote report " + id + " (from " + report.path("sender_email").asText("?") + ") to "
                    + out.resolve(id));
            return new Result(1, 0, 0, 0, 0, 0);
        } catch (RefusedException e) {
            if (e.status() == 401 || e.status() == 429 || e.status() >= 500) {
                throw e;
            }
            stderr.println("safelight: skipped report " + id + ": " + e.getMessage() + " (" + e.code() + ")");
            return new Result(0, 0, 1, 0, 0, 0);
        } catch (IntegrityException e) {
            stderr.println("safelight: skipped report " + id + ": it failed its integrity check (" + e.getMessage()
                    + "); nothing was written");
            return new Result(0, 0, 0, 1, 0, 0);
        } catch (KeyNeededException e) {
            stderr.println("safelight: skipped report " + id + ": " + e.getMessage());
            return new Result(0, 0, 0, 0, 0, 1);
        } catch (FormatException e) {
            stderr.println("safelight: skipped report " + id + ": " + e.getMessage());
            return new Result(0, 0, 0, 0, 1, 0);
        } finally {
            SafeUnzip.deleteTree(staging);
        }
    }

    private ReportMetadata open(String id, Path file, Path target) throws IOException {
        PackageJson packageJson = Inspection.of(file).packageJson();
        if (packageJson == null) {
            throw new org.safelight.format.report.MalformedReportException("the download is not a sealed report");
        }
        ReportKey key;
        if (packageJson.hasStaticKey() && privateKey != null) {
            key = new ReportKey.Private(privateKey);
        } else if (packageJson.hasKeyServer()) {
            URI keyServer;
            try {
                keyServer = new URI(packageJson.keyserverUrl());
            } catch (URISyntaxException e) {
                // Anyone in the enterprise can upload this: a bad URL is this report's fault, not the run's.
                throw new org.safelight.format.report.MalformedReportException("its key server is not a URL");
            }
            if (keyServer.getHost() == null || !trusted(keyServer)) {
                throw new RefusedException(403, "untrusted_key_server", "its key server " + origin(keyServer)
                        + " is not one the Key Server Token may be sent to (add --key-server " + origin(keyServer)
                        + ")");
            }
            key = new ReportKey.Password(server.fetchKey(keyServer, new ReportId(id)));
        } else {
            throw new KeyNeededException("it is sealed with a static key: give --private-key", packageJson);
        }
        return new ReportOpener(ZipLimits.REPORT, false).open(file, key, target).metadata();
    }

    private boolean trusted(URI keyServer) {
        return trustedKeyServers.stream().anyMatch(t -> origin(t).equalsIgnoreCase(origin(keyServer)));
    }

    private static String origin(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getScheme() + "://" + uri.getHost() + ":" + port;
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
