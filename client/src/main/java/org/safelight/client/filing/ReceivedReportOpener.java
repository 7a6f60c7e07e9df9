package org.safelight.client.filing;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;

/**
 * Opens a report file that is already here — key, verify, decrypt — into a folder that appears
 * atomically: the part of the filing pipeline that {@code sync} runs after each download and the
 * endpoint runs on each received file. Nothing is decrypted before the package's HMAC verifies
 * ({@link ReportOpener}); the report inside must be the one expected; on any failure nothing is
 * left at the target. Thread-safe when its {@link ReportKeys}' key source is.
 */
public final class ReceivedReportOpener {
    private final ReportKeys keys;
    private final ZipLimits limits;

    public ReceivedReportOpener(ReportKeys keys) {
        this(keys, ZipLimits.REPORT);
    }

    public ReceivedReportOpener(ReportKeys keys, ZipLimits limits) {
        this.keys = keys;
        this.limits = limits;
    }

    /**
     * What was opened.
     *
     * @param folder   the target folder, now holding every file of the report
     * @param files    the names of those files
     */
    public record Opened(String reportId, Path folder, ReportMetadata metadata, List<String> files,
                         ReportKeys.Kind kind) {
    }

    /**
     * Opens {@code file} into {@code target}, which must not exist; its parent is created if needed
     * and holds the staging folder.
     *
     * @param expectedReportId the report ID the file must hold (from a listing or an intake), or null
     *                         to take the one in {@code package.json}, else the metadata's
     * @throws FileAlreadyExistsException when {@code target} exists (nothing is read)
     * @throws OpeningFailedException for every other failure, classified by {@link FailureRule}: {@link
     *                                OpeningFailedException#retryable()} when the key server, the
     *                                network or the disk failed, otherwise the report is at fault
     */
    public Opened open(Path file, String expectedReportId, Path target) throws IOException {
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the report's folder is already there");
        }
        FailureRule.Step step = FailureRule.Step.OPEN;
        Path staging = null;
        try {
            PackageJson packageJson = Inspection.of(file).packageJson();
            String id = expectedReportId != null ? expectedReportId
                    : packageJson != null && packageJson.reportId() != null ? packageJson.reportId() : null;
            if (id != null && !ReportId.isValid(id)) {
                throw new MalformedReportException("its report ID is not usable");
            }
            step = FailureRule.Step.KEY;
            ReportKeys.Found key = keys.keyFor(packageJson, id == null ? null : new ReportId(id));
            step = FailureRule.Step.OPEN;
            staging = AtomicFolder.staging(target.toAbsolutePath().getParent());
            Path into = staging.resolve("report");
            ReportOpener.Opened opened = new ReportOpener(limits, false).open(file, key.key(), into);
            String inside = opened.metadata().details().reportid();
            if (id != null && !id.equals(inside)) {
                throw new MalformedReportException("the report inside is not " + id);
            }
            if (id == null && !ReportId.isValid(inside)) {
                throw new MalformedReportException("its report ID is not usable");
            }
            AtomicFolder.commit(into, target);
            return new Opened(inside, target, opened.metadata(), opened.files(), key.kind());
        } catch (IOException | RuntimeException e) {
            throw new OpeningFailedException(step, FailureRule.classify(step, e), e);
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    private static void deleteQuietly(Path staging) {
        try {
            SafeUnzip.deleteTree(staging);
        } catch (IOException e) {
            // a staging folder left behind is removed by the next AtomicFolder.removeStaging
        }
    }
}
