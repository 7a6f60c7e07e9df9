package org.safelight.server.tls;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * The gauge {@value #NAME} (Prometheus: {@code safelight_tls_certificate_expiry_seconds}): seconds
 * from now until the end ({@code notAfter}) of the certificate new connections are given, negative
 * once it has ended. Read at each scrape from {@link TlsConfig#current()}, so a renewal picked up by
 * {@link CertificateWatcher} shows at once. Registered only by a server that serves HTTPS itself;
 * behind a proxy that ends TLS, watch the proxy's certificate instead.
 */
public final class CertificateExpiry {
    public static final String NAME = "safelight.tls.certificate.expiry";

    private CertificateExpiry() {
    }

    /** Registers the gauge for {@code tls}'s served certificate. */
    public static void register(MeterRegistry registry, TlsConfig tls, Clock clock) {
        Gauge.builder(NAME, () -> secondsLeft(tls, clock)).baseUnit("seconds")
                .description("seconds until the served TLS certificate ends (notAfter)").register(registry);
    }

    static double secondsLeft(TlsConfig tls, Clock clock) {
        return Duration.between(clock.instant(), tls.current().leaf().getNotAfter().toInstant()).toSeconds();
    }
}
