package org.safelight.endpoint.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;

/**
 * One report sent to two endpoint instances at once (one database, one shared received folder, as
 * a sender's retry through a load balancer does): one row, one file, and both senders told it is in.
 */
class SameReportTwiceAtOnceTest {
    @TempDir
    Path dir;

    @EachDatabase
    void the_same_report_taken_by_two_instances_at_once_is_kept_once(Database db) throws Exception {
        db.migrate("endpoint");
        Clock clock = Clock.systemUTC();
        byte[] report = TestReports.dynamic("0000000011462800528299abcde", PicsafeWriter.newReportKey(),
                "https://keys.hospital.example");
        List<StoringIntake> instances = List.of(
                new StoringIntake(new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock),
                        new EndpointStore(db), 1 << 20, List.of("folder"), () -> { }),
                new StoringIntake(new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock),
                        new EndpointStore(db), 1 << 20, List.of("folder"), () -> { }));
        int rounds = 6;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Intake.Receipt> receipts = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Intake.Receipt>> sent = new ArrayList<>();
                for (StoringIntake instance : instances) {
                    sent.add(pool.submit(() -> {
                        together.await();
                        return instance.receive(new ByteArrayInputStream(report),
                                new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org", true, null,
                                        clock.instant()));
                    }));
                }
                for (Future<Intake.Receipt> f : sent) {
                    receipts.add(f.get(60, TimeUnit.SECONDS));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(receipts).hasSize(2 * rounds).allSatisfy(r -> assertThat(r.reportId())
                .isEqualTo("0000000011462800528299abcde"));
        int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM endpoint_reports")
                .mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(1);
        String storedAs = db.jdbi().withHandle(h -> h.createQuery("SELECT stored_as FROM endpoint_reports")
                .mapTo(String.class).one());
        try (Stream<Path> files = Files.list(dir.resolve("received"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("only the file its row names, no partial")
                    .containsExactly(storedAs);
        }
    }
}
