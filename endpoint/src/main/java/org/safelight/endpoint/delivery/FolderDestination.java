package org.safelight.endpoint.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.SafeUnzip;
import org.safelight.server.http.Json;

/**
 * The folder / data-warehouse drop: each report becomes {@code DIR/{ReportID}/} holding every file
 * of the report and a {@code report.json} (who sent it, how, when, its kind and the hashes). It is
 * built in a staging folder inside {@code DIR}, every file and the folder synced, then renamed into
 * place in one step and {@code DIR} synced: a reader (or a crash) sees no folder or the whole one.
 * A report whose folder is there is already delivered, so a retry leaves one copy. Thread-safe.
 */
public final class FolderDestination implements Destination {
    public static final String NAME = "folder";
    static final String STAGING = ".safelight-staging-";
    private final Path dir;
    private final Clock clock;

    public FolderDestination(Path dir, Clock clock) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.clock = clock;
        Files.createDirectories(this.dir);
        removeStaleStaging();
    }

    @Override
    public String name() {
        return NAME;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void deliver(OpenedReport report) throws DeliveryException {
        Path target = dir.resolve(report.reportId());
        if (Files.isDirectory(target)) {
            return;
        }
        Path staging = dir.resolve(STAGING + report.reportId() + "-" + UUID.randomUUID());
        try {
            Files.createDirectory(staging);
            try (Stream<Path> files = Files.walk(report.contents())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Path copy = staging.resolve(report.contents().relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                    AtomicFile.sync(copy);
                }
            }
            Path json = staging.resolve("report.json");
            try (OutputStream out = Files.newOutputStream(json)) {
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, reportJson(report));
            }
            AtomicFile.sync(json);
            AtomicFile.sync(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // Another worker delivered it first: one copy, which is the point.
                return;
            }
            AtomicFile.sync(dir);
        } catch (IOException e) {
            throw new DeliveryException("the folder " + dir + " could not be written (" + e.getClass().getSimpleName()
                    + ")", false, e);
        } finally {
            try {
                if (Files.exists(staging)) {
                    SafeUnzip.deleteTree(staging);
                }
            } catch (IOException ignored) {
                // removed at the next start
            }
        }
    }

    /** The {@code report.json} of a delivered report (also what the HTTP forward sends). */
    public static ObjectNode reportJson(OpenedReport report) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("report_id", report.reportId());
        root.put("sender_email", report.arrival().senderEmail());
        root.put("sender_verified", report.arrival().senderVerified());
        root.put("source", report.arrival().source().name().toLowerCase(Locale.ROOT));
        root.put("received_at", report.arrival().at().toString());
        root.put("kind", report.kind());
        root.put("sha256", report.sha256());
        ObjectNode files = root.putObject("files");
        for (Map.Entry<String, String> e : new TreeMap<>(report.fileHashes()).entrySet()) {
            files.put(e.getKey(), e.getValue());
        }
        return root;
    }

    /**
     * Removes the staging folders a crash left: they hold decrypted reports, so they go at once. Another
     * instance filing into the same folder may lose one under way; its rename then fails and the
     * delivery is retried.
     */
    private void removeStaleStaging() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, STAGING + "*")) {
            for (Path p : entries) {
                SafeUnzip.deleteTree(p);
            }
        }
    }
}
