package org.safelight.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.testing.MutableClock;

/** {@code safelight_tls_certificate_expiry_seconds} follows the clock and the certificate being served. */
class CertificateExpiryTest {
    @TempDir
    Path dir;

    @Test
    void the_gauge_counts_down_to_the_served_certificates_end_and_follows_a_renewal() throws Exception {
        OpensslPki pki = OpensslPki.create(Files.createDirectories(dir.resolve("pki")));
        Path certs = dir.resolve("certs");
        Path key = pki.ecKey("server");
        pki.install(certs, key, pki.leaf(key, "localhost", 1, 30));
        MutableClock clock = new MutableClock(Instant.now());
        TlsConfig tls = TlsConfig.load(certs);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        CertificateExpiry.register(metrics, tls, clock);

        Instant firstEnd = tls.current().leaf().getNotAfter().toInstant();
        assertThat(gauge(metrics)).isEqualTo(Duration.between(clock.instant(), firstEnd).toSeconds())
                .isBetween((double) Duration.ofDays(29).toSeconds(), (double) Duration.ofDays(30).toSeconds());

        clock.advance(Duration.ofDays(20));
        assertThat(gauge(metrics)).as("10 days left: the alert's 14 days are crossed")
                .isEqualTo(Duration.between(clock.instant(), firstEnd).toSeconds());

        pki.install(certs, key, pki.leaf(key, "localhost", 2, 90));
        try (CertificateWatcher watcher = tls.watch(Duration.ofHours(1), clock)) {
            assertThat(watcher.check()).isEqualTo(CertificateWatcher.Outcome.RELOADED);
        }
        Instant renewedEnd = tls.current().leaf().getNotAfter().toInstant();
        assertThat(renewedEnd).isAfter(firstEnd);
        assertThat(gauge(metrics)).isEqualTo(Duration.between(clock.instant(), renewedEnd).toSeconds());

        clock.advance(Duration.ofDays(100));
        assertThat(gauge(metrics)).as("negative once it has ended").isNegative();
    }

    private static double gauge(SimpleMeterRegistry metrics) {
        return metrics.find(CertificateExpiry.NAME).gauge().value();
    }
}
