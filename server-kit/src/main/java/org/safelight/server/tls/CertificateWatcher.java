package org.safelight.server.tls;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a {@link TlsConfig}'s certificates folder and serves renewed files to new connections, so
 * certbot (or an operator) can replace them under a running server. Files that do not parse or do
 * not fit together, as when caught half-copied, are skipped: the old certificate stays in service,
 * one warning is logged, and the next tick tries again. Also warns once per certificate when it
 * nears expiry, since that means renewal is failing. Thread-safe; {@link #check()} may be called
 * directly (tests do) besides the schedule.
 */
public final class CertificateWatcher implements AutoCloseable {
    /** Certbot renews 30 days ahead; a certificate still served this close to its end was not renewed. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

    public enum Outcome {
        /** The files are those being served. */
        UNCHANGED,
        /** New files were read and are now served to new connections. */
        RELOADED,
        /** The files changed but cannot be used yet; the previous certificate is still served. */
        BROKEN
    }

    private final TlsConfig tls;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private String lastWarning;
    private X509Certificate warnedExpiring;

    private CertificateWatcher(TlsConfig tls, Clock clock, ScheduledExecutorService executor) {
        this.tls = tls;
        this.clock = clock;
        this.executor = executor;
    }

    /** Checks every {@code interval} on one daemon thread, the first time one interval from now. */
    static CertificateWatcher start(TlsConfig tls, Duration interval, Clock clock) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "safelight-certificate-watcher");
            thread.setDaemon(true);
            return thread;
        });
        CertificateWatcher watcher = new CertificateWatcher(tls, clock, executor);
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(watcher::checkLogged, millis, millis, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** Reads the folder once and, if its files changed and are usable, serves them. */
    public synchronized Outcome check() {
        Outcome outcome = reloadIfChanged();
        warnIfExpiring(tls.current().leaf());
        return outcome;
    }

    private Outcome reloadIfChanged() {
        String fingerprint = null;
        try {
            CertificateFiles files = CertificateFiles.read(tls.certsDir());
            fingerprint = files.fingerprint();
            if (fingerprint.equals(tls.currentFingerprint())) {
                return Outcome.UNCHANGED;
            }
            ServerCertificate renewed = files.parse();
            tls.serve(renewed, fingerprint);
            lastWarning = null;
            LOG.info("TLS certificate reloaded from {}: now serving {}", tls.certsDir(), renewed);
            return Outcome.RELOADED;
        } catch (CertificateLoadException e) {
            // Once per distinct state of the files: a file left broken would otherwise warn every tick.
            String warning = fingerprint + " " + e.getMessage();
            if (!warning.equals(lastWarning)) {
                lastWarning = warning;
                LOG.warn("TLS certificate in {} not reloaded: {}; still serving {}, will retry",
                        tls.certsDir(), e.getMessage(), tls.current());
            }
            return Outcome.BROKEN;
        }
    }

    private void warnIfExpiring(X509Certificate leaf) {
        if (!leaf.equals(warnedExpiring) && renewalOverdue(leaf, clock.instant())) {
            warnedExpiring = leaf;
            LOG.warn("the TLS certificate served from {} ends at {} and has not been renewed: {}",
                    tls.certsDir(), leaf.getNotAfter().toInstant(), tls.current());
        }
    }

    static boolean renewalOverdue(X509Certificate leaf, Instant now) {
        return !now.isBefore(leaf.getNotAfter().toInstant().minus(EXPIRY_WARNING));
    }

    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            // An exception escaping a scheduled task would silently cancel every later check.
            LOG.error("TLS certificate check failed with {}; will retry", e.getClass().getName());
        }
    }

    /** Stops polling; the certificate being served stays in service. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
