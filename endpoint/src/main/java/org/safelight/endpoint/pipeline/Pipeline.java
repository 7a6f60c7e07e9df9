package org.safelight.endpoint.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.NeedsPersonException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.open.OpenFailure;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.EndpointStore.Claim;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.format.container.SafeUnzip;
import org.safelight.server.crypto.SealingRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of the endpoint's pipeline at a time: claim the report due first, open it (key,
 * HMAC, decryption into a private work folder), hand it to each destination whose delivery is due,
 * record every outcome with its next attempt (backoff with jitter, parked after the limit), and
 * delete the decrypted copy. A delivered report's received file is removed after its retention.
 * Whatever one report does (malformed, wrong key, a destination that throws) is recorded on that
 * report alone; the next claim goes on with the others. Thread-safe: several workers (and several
 * instances on one PostgreSQL) call {@link #runOnce} at once, the claims keep them apart.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** When a delivery put off by a master key rotation is tried again (the server is restarted meanwhile). */
    static final Duration SEALING_REFUSED_RETRY = Duration.ofMinutes(1);
    /** Renews the leases of reports being handled, so a long delivery keeps its claim and a dead worker's ends soon. */
    private static final ScheduledExecutorService HEARTBEAT = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "endpoint-lease-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private final EndpointStore store;
    private final ReceivedFiles files;
    private final ReportOpening opening;
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Backoff backoff;
    private final Duration lease;
    private final Duration keepReceived;
    private final Path work;
    private final Clock clock;

    /**
     * @param work         the folder decrypted copies are made in (emptied now: what is there was left by a crash)
     * @param keepReceived how long a delivered report's received file is kept
     * @param lease        how long a claim holds a report before another worker may take it; renewed
     *                     every quarter of it while the report is handled, so a worker that dies
     *                     releases its report within one lease
     */
    public Pipeline(EndpointStore store, ReceivedFiles files, ReportOpening opening, List<Destination> destinations,
                    Backoff backoff, Duration lease, Duration keepReceived, Path work, Clock clock) throws IOException {
        this.store = store;
        this.files = files;
        this.opening = opening;
        for (Destination d : destinations) {
            this.destinations.put(d.name(), d);
        }
        this.backoff = backoff;
        this.lease = lease;
        this.keepReceived = keepReceived;
        this.work = work.toAbsolutePath();
        this.clock = clock;
        if (Files.exists(this.work)) {
            SafeUnzip.deleteTree(this.work);
        }
        Files.createDirectories(this.work);
        try {
            Files.setPosixFilePermissions(this.work, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // the folder's ACLs are the operator's
        }
    }

    /** The names of the destinations, in order: each received report gets a delivery to each. */
    public List<String> destinationNames() {
        return List.copyOf(destinations.keySet());
    }

    /** Handles the report due first; false when none is due. */
    public boolean runOnce() {
        Instant now = clock.instant();
        Optional<Claim> claimed;
        try {
            claimed = store.claimDue(now, now.plus(lease));
        } catch (RuntimeException e) {
            LOG.error("the endpoint's queue cannot be read ({})", e.getClass().getSimpleName());
            return false;
        }
        if (claimed.isEmpty()) {
            return false;
        }
        Claim claim = claimed.get();
        long every = Math.max(1, lease.toMillis() / 4);
        ScheduledFuture<?> heartbeat = HEARTBEAT.scheduleAtFixedRate(() -> {
            try {
                store.extend(claim, clock.instant().plus(lease));
            } catch (RuntimeException e) {
                LOG.warn("the claim on report {} could not be renewed ({})", claim.reportId(), e.getClass().getSimpleName());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        try {
            handle(claim, now);
        } catch (IOException | RuntimeException e) {
            // The claim's lease runs out and the report comes due again; the others go on meanwhile.
            LOG.error("report {} could not be handled ({}); it is tried again when its claim ends", claim.reportId(),
                    e.getClass().getSimpleName());
        } finally {
            heartbeat.cancel(false);
        }
        return true;
    }

    /** Runs due steps until none is due now; returns how many were done. For tests and a start-up catch-up. */
    public int drain() {
        int n = 0;
        while (runOnce()) {
            n++;
        }
        return n;
    }

    private void handle(Claim claim, Instant now) throws IOException {
        if (claim.state().equals("delivered")) {
            files.delete(claim.storedAs());
            store.purged(claim, now);
            return;
        }
        if (claim.state().equals("opened") && claim.due().isEmpty()) {
            store.release(claim, now.plus(keepReceived));
            return;
        }
        Path folder = Files.createTempDirectory(work, "report-");
        try {
            OpenedReport opened;
            try {
                opened = opening.open(claim, folder);
            } catch (OpenFailure f) {
                Instant retryAt = f.retryable() ? backoff.next(now, claim.openAttempts() + 1) : null;
                store.openFailed(claim, f.getMessage(), retryAt);
                LOG.warn("report {} did not open ({}): {}", claim.reportId(), retryAt == null ? "parked" : "retried",
                        f.getMessage());
                return;
            }
            store.opened(claim, clock.instant());
            for (EndpointStore.DueDelivery due : claim.due()) {
                deliver(claim, opened, due);
                store.extend(claim, clock.instant().plus(lease));
            }
            store.release(claim, clock.instant().plus(keepReceived));
        } finally {
            SafeUnzip.deleteTree(folder);
        }
    }

    private void deliver(Claim claim, OpenedReport opened, EndpointStore.DueDelivery due) {
        Destination destination = destinations.get(due.destination());
        if (destination == null) {
            store.deliveryFailed(claim, due.destination(), "this destination is no longer configured", null);
            return;
        }
        String error;
        boolean permanent;
        try {
            destination.deliver(opened, due.answers());
            store.delivered(claim, due.destination(), clock.instant());
            LOG.info("report {} delivered to {}", claim.reportId(), due.destination());
            return;
        } catch (NeedsPersonException e) {
            // Not a failure: waits, without retries or backoff, until an admin answers.
            store.needsPerson(claim, due.destination(), e.question());
            LOG.info("report {} waits for a person before it goes to {} ({} {})", claim.reportId(), due.destination(),
                    e.question().kind(), e.question().reason());
            return;
        } catch (DeliveryException e) {
            error = e.getMessage();
            permanent = e.permanent();
        } catch (SealingRefusedException e) {
            // Not the destination's fault: this server's master key is being rotated away, and what the
            // delivery records (a FHIR resource's reference) cannot be sealed. Put off, not counted.
            Instant retryAt = clock.instant().plus(SEALING_REFUSED_RETRY);
            store.deliveryPostponed(claim, due.destination(), "this server is changing its master key; the delivery"
                    + " is tried again once it runs on the new key", retryAt);
            LOG.warn("report {} not delivered to {} (put off): this server's master key is being rotated",
                    claim.reportId(), due.destination());
            return;
        } catch (RuntimeException e) {
            error = "the destination failed unexpectedly (" + e.getClass().getSimpleName() + ")";
            permanent = false;
        }
        Instant retryAt = permanent ? null : backoff.next(clock.instant(), due.attempts() + 1);
        store.deliveryFailed(claim, due.destination(), error, retryAt);
        LOG.warn("report {} not delivered to {} ({}): {}", claim.reportId(), due.destination(),
                retryAt == null ? "parked" : "retried", error);
    }
}
