package org.safelight.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.safelight.cloud.blob.BlobStore;
import org.safelight.cloud.blob.HashedKeyBlobStore;
import org.safelight.format.link.Region;
import org.safelight.format.link.ReportLink;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.tokens.UserToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud store: takes a sealed report in (spooled to a private temporary file within a size
 * limit, checked, stored atomically, recorded on the sender's list), finds it by link, and
 * deletes the bytes of reports whose 7 days are over ({@link #sweepExpired()}). Whether a link has
 * expired is decided by the clock, so a link answers "expired" even before the sweeper has run.
 * Thread-safe.
 */
public final class CloudStore {
    public static final Duration LIFETIME = Duration.ofDays(7);
    private static final Logger LOG = LoggerFactory.getLogger(CloudStore.class);
    private static final int SWEEP_BATCH = 100;

    private final CloudReports reports;
    private final BlobStore blobs;
    private final UploadRecorder recorder;
    private final String publicUrl;
    private final Path spool;
    private final UploadLimits limits;
    private final RateLimiter uploadsPerUser;
    /** Bytes of uploads being stored now, per user, by every instance: counted before their rows exist. */
    private final UploadReservations storing;
    private final Clock clock;

    private CloudStore(Database db, Supplier<MasterKey> masterKey, CloudReports reports, BlobStore blobs, UploadRecorder recorder, String publicUrl,
                       Path spool, UploadLimits limits, Clock clock) {
        this.reports = reports;
        this.blobs = HashedKeyBlobStore.over(blobs); // no file or object is named by a link's secret part
        this.recorder = recorder;
        this.publicUrl = publicUrl;
        this.spool = spool;
        this.limits = limits;
        this.uploadsPerUser = RateLimiter.forDatabase(db, masterKey, "cloud.uploads-per-user", limits.perHour(),
                limits.perHour() / 3600.0, clock);
        this.storing = new UploadReservations(db, clock);
        this.clock = clock;
    }

    /**
     * Migrates the cloud tables of {@code db} (idempotent) and opens the store.
     *
     * @param masterKey seals the secret behind the upload limit's bucket keys (asked for on PostgreSQL only)
     * @param publicUrl how users reach this server; links start with it
     * @param spool     a private folder for uploads in progress (created 0700 if missing)
     */
    public static CloudStore open(Database db, Supplier<MasterKey> masterKey, BlobStore blobs, UploadRecorder recorder, URI publicUrl, Path spool,
                                  UploadLimits limits, Clock clock) throws IOException {
        db.migrate(CloudRole.NAME);
        Files.createDirectories(spool, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------")); // one made before
        String base = publicUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return new CloudStore(db, masterKey, new CloudReports(db.jdbi()), blobs, recorder, base, spool, limits, clock);
    }

    /**
     * Checks, before any of the body is read, that {@code uploader} may send {@code declaredBytes}
     * now (-1 when the length is not known): the size limit, the hourly uploads and the quota.
     *
     * @throws Refusal 413 {@code too_large}, 429 {@code rate_limited}, 403
     *                      {@code quota_exceeded}
     */
    public void admit(UserToken uploader, long declaredBytes) {
        if (declaredBytes > limits.maxBytes()) {
            throw tooLarge(limits.maxBytes());
        }
        if (limits.quotaBytes() > 0) {
            long taken = bytesTaken(uploader.userId(), storing.reserved(uploader.userId()));
            if (taken + Math.max(declaredBytes, 0) > limits.quotaBytes()) {
                throw quotaExceeded(taken);
            }
        }
        uploadsPerUser.acquire(uploader.userId(), "uploads");
    }

    /** What {@code user} may upload now: limits and what is taken of them. */
    public Allowance allowance(String user) {
        long held = reports.bytesHeldBy(user, clock.instant());
        return new Allowance(limits.maxBytes(), limits.quotaBytes(), held + storing.reserved(user),
                uploadsPerUser.available(user), limits.perHour());
    }

    /**
     * Counts {@code size} bytes being stored for {@code uploader} against the quota, or refuses.
     * Check and count are one step per user across instances, so parallel uploads cannot all fit in
     * the same space. Returns the reservation, or null when there is no quota.
     */
    private String reserve(UserToken uploader, long size) {
        if (limits.quotaBytes() == 0) {
            return null;
        }
        return storing.reserve(uploader.userId(), size, limits.quotaBytes(), this::quotaExceeded);
    }

    private void release(String reservation) {
        if (reservation != null) {
            storing.release(reservation);
        }
    }

    /**
     * Inserts the upload's row and drops its reservation in one transaction, so a quota check never
     * counts the upload twice (row and reservation) nor not at all.
     */
    private void insertInPlaceOfReservation(CloudReport row, UserToken uploader, String reservation) {
        if (reservation == null) {
            reports.insert(row);
            return;
        }
        storing.settle(reservation, uploader.userId(), h -> CloudReports.insert(h, row));
    }

    private long bytesTaken(String user, long pending) {
        return reports.bytesHeldBy(user, clock.instant()) + pending;
    }

    private Refusal quotaExceeded(long taken) {
        return new Refusal(ErrorCode.QUOTA_EXCEEDED, "your reports on this server already take " + mib(taken)
                + " of your " + mib(limits.quotaBytes()) + "; space comes back as they expire, 7 days after each"
                + " upload");
    }

    private static String mib(long bytes) {
        return (bytes + (1 << 20) - 1 >> 20) + " MiB";
    }

    /**
     * Takes an upload in. Nothing is left behind when it is refused: no blob, no row, no list entry.
     *
     * @param body          the request body, read to its end or to the limit
     * @param queryReportId the {@code ?report_id=} of the request, or null
     * @throws Refusal 413 {@code too_large}; 403 {@code quota_exceeded}; 400 {@code not_a_sealed_report},
     *                      {@code unsafe_zip}, {@code invalid_report_id}, {@code report_id_required},
     *                      {@code report_id_mismatch}; 503 {@code storage_unavailable},
     *                      {@code accounts_unavailable}
     */
    public Upload accept(InputStream body, String queryReportId, UserToken uploader, String uploaderToken)
            throws IOException {
        if (queryReportId != null && !ReportLink.isReportId(queryReportId)) {
            throw invalidReportId();
        }
        Path temp = Files.createTempFile(spool, "upload-", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            long size = spoolLimited(body, temp);
            PackageJson pkg = SealedReportCheck.check(temp, limits.maxBytes());
            String reportId = reportId(pkg.reportId(), queryReportId);
            ReportLink link = ReportLink.fresh(Region.forCountry(uploader.country()), reportId);
            Instant now = clock.instant();
            String enterprise = uploader.inEnterprise() ? uploader.enterpriseId() : "";
            String keyServer = keyServerOrigin(pkg);
            CloudReport row = new CloudReport(link, uploader.userId(), enterprise, size, now, now.plus(LIFETIME), null,
                    keyServer);
            Upload upload = new Upload(reportId, link.region(), link.name(),
                    publicUrl + "/app/report/" + link.path(), publicUrl + "/api/v1/cloud/reports/" + link.path(),
                    uploader.userId(), uploader.email(), uploader.name(), enterprise, size, now, row.expiresAt(),
                    keyServer);
            String reservation = reserve(uploader, size);
            boolean inserted = false;
            try {
                store(link, temp);
                try {
                    insertInPlaceOfReservation(row, uploader, reservation);
                    inserted = true;
                    String recorded = recorder.record(upload, uploaderToken);
                    if (!recorded.equals(enterprise)) {
                        // The sender's account is in another enterprise than their sign-in said (one
                        // made since): its API key downloads what its listing shows.
                        reports.setEnterprise(link, recorded);
                        upload = upload.inEnterprise(recorded);
                    }
                } catch (RuntimeException e) {
                    undo(link);
                    if (e instanceof UploadRecorder.SenderNotConfirmedException) {
                        throw new Refusal(ErrorCode.EMAIL_UNVERIFIED, "verify your email address first");
                    }
                    if (e instanceof UploadRecorder.UploadRecordingException) {
                        LOG.warn("an upload was undone: the sender's report list could not be written ({})",
                                e.getMessage());
                        throw new Refusal(ErrorCode.ACCOUNTS_UNAVAILABLE,
                                "the report could not be put on your list of reports, so it was not kept; try again");
                    }
                    throw e;
                }
            } finally {
                if (!inserted) {
                    release(reservation);
                }
            }
            LOG.info("stored a report of {} bytes in region {}", size, link.region());
            return upload;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The key server's origin as package.json names it, or {@code ""} (none, or not a URL a client would use). */
    private static String keyServerOrigin(PackageJson pkg) {
        if (!pkg.hasKeyServer()) {
            return "";
        }
        try {
            return pkg.keyServerOrigin().toString();
        } catch (MalformedReportException e) {
            return "";
        }
    }

    private long spoolLimited(InputStream body, Path temp) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(temp)) {
            for (int n; (n = body.read(buffer)) >= 0; ) {
                total += n;
                if (total > limits.maxBytes()) {
                    throw tooLarge(limits.maxBytes());
                }
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) {
            throw new Refusal(ErrorCode.NOT_A_SEALED_REPORT, "the upload is empty; send the .picsafe file's bytes");
        }
        return total;
    }

    private static Refusal tooLarge(long maxBytes) {
        return new Refusal(ErrorCode.TOO_LARGE, "the upload is larger than this server's limit of "
                + maxBytes + " bytes");
    }

    private static String reportId(String fromPackage, String fromQuery) {
        if (fromPackage != null && !ReportLink.isReportId(fromPackage)) {
            throw invalidReportId();
        }
        if (fromPackage != null && fromQuery != null && !fromPackage.equals(fromQuery)) {
            throw new Refusal(ErrorCode.REPORT_ID_MISMATCH,
                    "the report_id in the request differs from the one in the report's package.json");
        }
        String id = fromPackage != null ? fromPackage : fromQuery;
        if (id == null) {
            throw new Refusal(ErrorCode.REPORT_ID_REQUIRED,
                    "the report's package.json has no report_id: give it as ?report_id=");
        }
        return id;
    }

    private static Refusal invalidReportId() {
        return new Refusal(ErrorCode.INVALID_REPORT_ID, "a report ID is 1 to 64 of A-Z a-z 0-9 _ -");
    }

    private void store(ReportLink link, Path temp) {
        try {
            blobs.put(link.path(), temp);
        } catch (IOException | RuntimeException e) {
            LOG.error("the blob store failed to store an upload ({})", e.getClass().getSimpleName());
            throw new Refusal(ErrorCode.STORAGE_UNAVAILABLE, "the report could not be stored; try again later");
        }
    }

    private void undo(ReportLink link) {
        try {
            blobs.delete(link.path());
        } catch (IOException | RuntimeException e) {
            LOG.error("could not remove the blob of an undone upload ({}); the sweeper will not find it",
                    e.getClass().getSimpleName());
        }
        try {
            reports.remove(link);
        } catch (RuntimeException e) {
            LOG.error("could not remove the row of an undone upload ({})", e.getClass().getSimpleName());
        }
    }

    /** What the link leads to now, by the clock. */
    public LinkStatus status(ReportLink link) {
        Optional<CloudReport> row = reports.find(link);
        if (row.isEmpty()) {
            return new LinkStatus.Unknown();
        }
        CloudReport r = row.get();
        return expired(r) ? new LinkStatus.Expired()
                : new LinkStatus.Active(r.expiresAt(), link.reportId(), r.size(), r.keyServerUrl());
    }

    /** Whether {@code report}'s link has expired now, by the clock (as {@link #status} decides). */
    public boolean expired(CloudReport report) {
        return report.expiredAt(clock.instant());
    }

    /** The row behind a link, expired or not. */
    public Optional<CloudReport> find(ReportLink link) {
        return reports.find(link);
    }

    /**
     * A stored report's file, when the blob store keeps files ({@link BlobStore#openFile}); empty
     * for stores that stream ({@link #read}).
     *
     * @throws org.safelight.cloud.blob.BlobNotFoundException when its bytes are gone
     */
    public Optional<FileChannel> openFile(ReportLink link) throws IOException {
        return blobs.openFile(link.path());
    }

    /** Streams part of a stored report's bytes. */
    public InputStream read(ReportLink link, long offset, long length) throws IOException {
        return blobs.read(link.path(), offset, length);
    }

    /**
     * Deletes the bytes of every report whose time is up and marks its row, so its link answers
     * "expired" for good. Safe to run concurrently with uploads and downloads, and on several
     * servers at once (deleting twice is harmless).
     *
     * @return how many reports were swept
     */
    public int sweepExpired() {
        int swept = 0;
        Instant now = clock.instant();
        while (true) {
            List<ReportLink> batch = reports.expiredNotDeleted(now, SWEEP_BATCH);
            int done = 0;
            for (ReportLink link : batch) {
                try {
                    blobs.delete(link.path());
                    reports.markDeleted(link, now);
                    done++;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("could not delete an expired report's bytes ({}); will retry", e.getClass().getSimpleName());
                }
            }
            swept += done;
            if (batch.size() < SWEEP_BATCH || done == 0) {
                break;
            }
        }
        if (swept > 0) {
            LOG.info("deleted {} expired cloud reports", swept);
        }
        int abandoned = storing.purgeExpired();
        if (abandoned > 0) {
            LOG.info("{} upload reservation(s) of stopped instances no longer count against quotas", abandoned);
        }
        return swept;
    }
}
