package org.safelight.endpoint.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedFiles.AtRest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Intake}: streams a file into the received folder (64 KiB at a time, so memory stays flat
 * for videos of several GB) under the size limit, hashing it as it goes; checks it with
 * {@link ReportCheck}; renames it into place and syncs the folder; then commits its row and one
 * pending delivery per destination, and only then returns. A file whose first entry is
 * {@code package.json} or {@code package.encrypted} is taken for a sealed report and kept as it
 * came; anything else is encrypted under the master key as it is written, so a plain report never
 * touches the disk in the clear. Thread-safe.
 */
public final class StoringIntake implements Intake {
    private static final Logger LOG = LoggerFactory.getLogger(StoringIntake.class);
    private static final int CHUNK = 64 * 1024;
    private static final HexFormat HEX = HexFormat.of();

    private final ReceivedFiles files;
    private final EndpointStore store;
    private final long maxSize;
    private final List<String> destinations;
    private final Runnable onStored;

    /**
     * @param destinations the names of the configured destinations, each given a pending delivery
     * @param onStored     called after a new report is committed (wakes the pipeline)
     */
    public StoringIntake(ReceivedFiles files, EndpointStore store, long maxSize, List<String> destinations,
                         Runnable onStored) {
        this.files = files;
        this.store = store;
        this.maxSize = maxSize;
        this.destinations = List.copyOf(destinations);
        this.onStored = onStored;
    }

    @Override
    public long maxSize() {
        return maxSize;
    }

    @Override
    public Receipt receive(InputStream file, Arrival arrival) throws IntakeRefusedException, IOException {
        return receive(file, null, arrival);
    }

    @Override
    public Receipt receive(InputStream file, String fileName, Arrival arrival) throws IntakeRefusedException, IOException {
        BufferedInputStream in = new BufferedInputStream(file, CHUNK);
        FileStart start = FileStart.of(in);
        if (start == FileStart.NOT_A_ZIP) {
            throw new IntakeRefusedException("not_a_report",
                    "the file is not a ZIP: neither a .picsafe file nor a report ZIP");
        }
        AtRest how = start == FileStart.SEALED ? AtRest.AS_RECEIVED : AtRest.MASTER_KEY;
        Path partial = files.newPartial();
        String kept = null;
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (OutputStream out = files.write(partial, how)) {
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    size += n;
                    if (size > maxSize) {
                        throw new IntakeRefusedException("too_large", "the file is larger than this endpoint takes ("
                                + maxSize + " bytes)");
                    }
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String sha256 = HEX.formatHex(sha.digest());
            ReportCheck.Checked checked;
            try (InputStream stored = files.read(partial, how)) {
                checked = ReportCheck.check(stored, fileName);
            }
            if (checked.sealed() != (how == AtRest.AS_RECEIVED)) {
                // A .picsafe whose first entry is something else is kept under the master key: harmless.
                if (!checked.sealed()) {
                    throw new IntakeRefusedException("not_a_report", "a plain report ZIP must not start with "
                            + ReportCheck.PACKAGE_JSON + " or " + ReportCheck.PACKAGE_ENCRYPTED);
                }
            }
            Optional<Receipt> earlier = earlier(checked.reportId(), sha256);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            // A name of this intake's own (the partial's random part): two instances taking the same
            // report at once on one shared folder never write one file; the one whose row loses
            // deletes its copy below, so no file outlives its report's delivery.
            String partialName = partial.getFileName().toString();
            String name = checked.reportId() + "-" + sha256.substring(0, 16) + "-" + partialName.substring(1, 9)
                    + (how == AtRest.MASTER_KEY ? ".rncryptor" : ".picsafe");
            files.keep(partial, name);
            kept = name;
            boolean inserted;
            try {
                inserted = store.insert(new EndpointStore.NewReport(checked.reportId(), arrival, checked.kind(), size,
                        sha256, name, how), destinations);
            } catch (RuntimeException e) {
                // Whether it committed is unknown: the file stays (a row may name it), the sender retries.
                LOG.error("storing a received report's row failed ({})", e.getClass().getSimpleName());
                throw new IOException("the report could not be recorded", e);
            }
            if (!inserted) {
                // Another intake recorded the same ID between our look and our insert: its row names its file.
                files.delete(kept);
                Optional<Receipt> raced = earlier(checked.reportId(), sha256);
                if (raced.isEmpty()) {
                    throw new IllegalStateException("a report row vanished");
                }
                return raced.get();
            }
            LOG.info("received report {} ({}, {} bytes, {})", checked.reportId(), checked.kind(), size,
                    arrival.source().name().toLowerCase(java.util.Locale.ROOT));
            onStored.run();
            return new Receipt(checked.reportId(), false);
        } catch (IntakeRefusedException e) {
            if (kept != null) {
                // Raced by a different report of the same ID: its file has another name (our hash is in ours).
                files.delete(kept);
            }
            throw e;
        } finally {
            if (kept == null) {
                Files.deleteIfExists(partial);
            }
        }
    }

    /**
     * The first receipt of {@code reportId} when it had the same bytes; refused when it had others;
     * empty when it was never received.
     */
    private Optional<Receipt> earlier(String reportId, String sha256) throws IntakeRefusedException, IOException {
        Optional<EndpointStore.Existing> existing;
        try {
            existing = store.existing(reportId);
        } catch (RuntimeException e) {
            throw new IOException("the endpoint's database cannot be read", e);
        }
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        if (!existing.get().sha256().equals(sha256)) {
            throw new IntakeRefusedException("report_id_conflict", "a different report with the ID " + reportId
                    + " was received before");
        }
        return Optional.of(new Receipt(reportId, true));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
