package org.safelight.endpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.NeedsPersonException;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.store.QueueFigures;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.server.role.ReadinessCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint role's meters and readiness check, rendered by Prometheus as:
 * <ul>
 * <li>{@code safelight_endpoint_queue_depth{state}}: reports received, waiting (to be opened
 *     again), opened (deliveries still due) and parked (could not be opened), counted in the
 *     database at each scrape, so every instance on one database reports the same figures;</li>
 * <li>{@code safelight_endpoint_deliveries_parked}: deliveries parked for a person, likewise;</li>
 * <li>{@code safelight_endpoint_delivery_failures_total{destination}}: failed delivery attempts by
 *     this instance, by destination ({@code folder}, {@code forward}, {@code dicom}, {@code fhir}:
 *     the destination's kind, which is also its name here; never its address or credentials). A
 *     delivery that waits for a person is no failure.</li>
 * </ul>
 * The readiness check {@code "received-files"} writes, syncs and deletes a temporary file in the
 * received folder, named as the intake names its own ({@link ReceivedFiles#newPartial}).
 */
final class EndpointMonitoring {
    static final String QUEUE_DEPTH = "safelight.endpoint.queue.depth";
    static final String PARKED = "safelight.endpoint.deliveries.parked";
    static final String FAILURES = "safelight.endpoint.delivery.failures";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointMonitoring.class);

    private EndpointMonitoring() {
    }

    /** Registers the queue's gauges, read from {@code figures} at each scrape. */
    static void registerQueue(MeterRegistry registry, QueueFigures figures) {
        for (QueueFigures.State state : QueueFigures.State.values()) {
            Gauge.builder(QUEUE_DEPTH, () -> count(() -> figures.reports(state)))
                    .description("reports in each state of the endpoint's pipeline").tag("state", state.column())
                    .register(registry);
        }
        Gauge.builder(PARKED, () -> count(figures::parkedDeliveries))
                .description("deliveries parked for a person").register(registry);
    }

    /** NaN (no sample) while the database cannot answer. */
    private static double count(LongSupplier query) {
        try {
            return query.getAsLong();
        } catch (RuntimeException e) {
            LOG.debug("an endpoint queue figure could not be read ({})", e.getClass().getSimpleName());
            return Double.NaN;
        }
    }

    /** {@code destination}, its failed attempts counted on {@code registry} under its name. */
    static Destination counted(Destination destination, MeterRegistry registry) {
        Counter failures = Counter.builder(FAILURES).description("failed delivery attempts, by destination")
                .tag("destination", destination.name()).register(registry);
        return new Destination() {
            @Override
            public String name() {
                return destination.name();
            }

            @Override
            public void deliver(OpenedReport report) throws DeliveryException {
                deliver(report, Answers.NONE);
            }

            @Override
            public void deliver(OpenedReport report, Answers answers) throws DeliveryException {
                try {
                    destination.deliver(report, answers);
                } catch (NeedsPersonException waits) {
                    throw waits;
                } catch (DeliveryException | RuntimeException e) {
                    failures.increment();
                    throw e;
                }
            }
        };
    }

    /** The check that the received folder takes a new file now, as the intake writes one. */
    static ReadinessCheck receivedFilesWritable(ReceivedFiles files) {
        return () -> {
            Path partial = files.newPartial();
            try (OutputStream out = files.write(partial, ReceivedFiles.AtRest.AS_RECEIVED)) {
                out.write(0);
            } finally {
                Files.deleteIfExists(partial);
            }
        };
    }
}
