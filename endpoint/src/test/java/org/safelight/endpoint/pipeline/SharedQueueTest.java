package org.safelight.endpoint.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.FolderDestination;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/** Two endpoint instances on one PostgreSQL share the queue by claiming rows, and deliver each report once. */
class SharedQueueTest {
    private static final int REPORTS = 24;
    @TempDir
    Path dir;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

    /** The folder destination, counting deliveries; instance A's first delivery waits until B has made one. */
    private final class Counting implements Destination {
        private final FolderDestination folder;
        private final CountDownLatch waitFor;
        private final CountDownLatch done;

        Counting(CountDownLatch waitFor, CountDownLatch done) throws java.io.IOException {
            this.folder = new FolderDestination(dir.resolve("filed"), clock);
            this.waitFor = waitFor;
            this.done = done;
        }

        @Override
        public String name() {
            return folder.name();
        }

        @Override
        public void deliver(OpenedReport report) throws DeliveryException {
            deliveries.computeIfAbsent(report.reportId(), id -> new AtomicInteger()).incrementAndGet();
            try {
                if (waitFor != null && !waitFor.await(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("the other instance took nothing from the queue");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            folder.deliver(report);
            done.countDown();
        }
    }

    private record Instance(Database db, Pipeline pipeline, PipelineWorkers workers) {
    }

    private Instance instance(String name, String url, Destination destination) throws Exception {
        Database db = Database.open(url, "postgres", "postgres");
        db.migrate("endpoint");
        ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock);
        Pipeline pipeline = new Pipeline(new EndpointStore(db), files, new ReportOpening(files,
                List.of(), null, null, clock), List.of(destination),
                Backoff.standard(8), Duration.ofMinutes(10), Duration.ofDays(30), dir.resolve("work-" + name), clock);
        return new Instance(db, pipeline, new PipelineWorkers(pipeline, 2, Duration.ofMillis(200)));
    }

    @Test
    void two_instances_on_one_postgresql_share_the_queue_and_deliver_each_report_once() throws Exception {
        Database setup = TestDatabases.postgres();
        setup.migrate("endpoint");
        String url = ((HikariDataSource) setup.dataSource()).getJdbcUrl();
        ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock);
        StoringIntake intake = new StoringIntake(files, new EndpointStore(setup), 1 << 20, List.of("folder"), () -> { });
        for (int i = 0; i < REPORTS; i++) {
            intake.receive(new ByteArrayInputStream(TestReports.plain("r-" + i)),
                    new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org", true, null, clock.instant()));
        }
        CountDownLatch bDelivered = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(REPORTS);
        Instance a = instance("a", url, new Counting(bDelivered, all));
        CountDownLatch bFirst = new CountDownLatch(REPORTS);
        Instance b = instance("b", url, new Counting(null, new CountDownLatch(0) {
            @Override
            public void countDown() {
                bDelivered.countDown();
                all.countDown();
                bFirst.countDown();
            }
        }));
        try {
            a.workers().start();
            b.workers().start();
            assertThat(all.await(120, TimeUnit.SECONDS)).as("every report delivered").isTrue();
        } finally {
            a.workers().close();
            b.workers().close();
        }

        assertThat(deliveries).hasSize(REPORTS);
        assertThat(deliveries.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        assertThat(REPORTS - bFirst.getCount()).as("reports B delivered").isBetween(1L, (long) REPORTS - 1);
        StoredReports reports = new StoredReports(setup, clock);
        assertThat(reports.list(java.util.Optional.empty(), java.util.Optional.empty(), 100))
                .hasSize(REPORTS).allSatisfy(r -> assertThat(r.state()).isEqualTo("delivered"));
        a.db().close();
        b.db().close();
        setup.close();
    }
}
