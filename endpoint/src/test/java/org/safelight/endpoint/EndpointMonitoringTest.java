package org.safelight.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.FolderDestination;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.pipeline.Backoff;
import org.safelight.endpoint.pipeline.Pipeline;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.QueueFigures;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.StandInKeyServer;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.testing.Keys;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.role.ReadinessCheck;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.UnwritableFolder;

/** The endpoint's queue gauges, delivery failures and the readiness check "received-files". */
class EndpointMonitoringTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final StandInKeyServer keyServer = new StandInKeyServer();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private Database db;
    private StoringIntake intake;
    private Pipeline pipeline;
    private StoredReports reports;

    EndpointMonitoringTest() throws IOException {
    }

    @AfterEach
    void close() {
        keyServer.close();
        if (db != null) {
            db.close();
        }
    }

    /** The pipeline as the wiring builds it: its one folder destination counted, the queue's gauges registered. */
    private void start(Database database) throws Exception {
        db = database;
        db.migrate("endpoint");
        ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock);
        EndpointStore store = new EndpointStore(db);
        ReportOpening opening = new ReportOpening(files, List.of(URI.create(keyServer.url())), "a-token",
                Files.createDirectories(dir.resolve("private-keys")), clock);
        pipeline = new Pipeline(store, files, opening,
                List.of(EndpointMonitoring.counted(new FolderDestination(dir.resolve("filed"), clock), metrics)),
                new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), 2, () -> 0.5),
                Duration.ofMinutes(10), Duration.ofDays(30), dir.resolve("work"), clock);
        EndpointMonitoring.registerQueue(metrics, new QueueFigures(db));
        intake = new StoringIntake(files, store, 1 << 20, pipeline.destinationNames(), () -> { });
        reports = new StoredReports(db, clock);
    }

    private void receive(byte[] file) throws Exception {
        intake.receive(new ByteArrayInputStream(file), new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org",
                true, null, clock.instant()));
    }

    private double depth(String state) {
        return metrics.find(EndpointMonitoring.QUEUE_DEPTH).tag("state", state).gauge().value();
    }

    private List<Double> depths() {
        return List.of(depth("received"), depth("waiting"), depth("opened"), depth("parked"));
    }

    private double parkedDeliveries() {
        return metrics.find(EndpointMonitoring.PARKED).gauge().value();
    }

    private double failures() {
        return metrics.find(EndpointMonitoring.FAILURES).tag("destination", "folder").counter().count();
    }

    @EachDatabase
    void the_queue_depth_follows_reports_through_the_pipeline(Supplier<Database> database) throws Exception {
        start(database.get());
        assertThat(depths()).containsExactly(0.0, 0.0, 0.0, 0.0);

        receive(TestReports.plain("plain-1"));
        assertThat(depths()).as("received, waiting, opened, parked").containsExactly(1.0, 0.0, 0.0, 0.0);

        Path filed = dir.resolve("filed");
        Files.delete(filed);
        Files.writeString(filed, "the share is not mounted");
        pipeline.drain();
        assertThat(depths()).containsExactly(0.0, 0.0, 1.0, 0.0);
        assertThat(failures()).isEqualTo(1);
        assertThat(parkedDeliveries()).isZero();

        clock.advance(Duration.ofHours(2));
        pipeline.drain();
        assertThat(failures()).isEqualTo(2);
        assertThat(parkedDeliveries()).as("after the retry limit of 2").isEqualTo(1);

        keyServer.answer(503);
        receive(TestReports.dynamic("dyn-1", "k3y", keyServer.url()));
        receive(TestReports.forInstitution("static-1", Keys.rsa().getPublic()));
        pipeline.drain();
        assertThat(depths()).as("dyn-1 waits for the key server, static-1 has no private key")
                .containsExactly(0.0, 1.0, 1.0, 1.0);

        Files.delete(filed);
        Files.createDirectory(filed);
        reports.retry("plain-1");
        pipeline.drain();
        assertThat(depths()).as("plain-1 delivered").containsExactly(0.0, 1.0, 0.0, 1.0);
        assertThat(parkedDeliveries()).isZero();
        assertThat(failures()).isEqualTo(2);
    }

    @Test
    void the_queue_figures_have_no_value_while_the_database_cannot_answer() throws Exception {
        start(TestDatabases.sqlite());
        db.close();

        assertThat(depth("received")).isNaN();
        assertThat(parkedDeliveries()).isNaN();
    }

    @Test
    void the_received_files_check_passes_leaving_nothing_and_fails_once_the_folder_is_read_only() throws Exception {
        Path writable = Files.createDirectories(dir.resolve("disk"));
        // The folder is reached through a link, so the test can swap the disk under it as a remount would.
        Path received = Files.createSymbolicLink(dir.resolve("received"), writable);
        ReadinessCheck check = EndpointMonitoring.receivedFilesWritable(
                new ReceivedFiles(received, MasterKey.load(dir, Map.of()), clock));

        assertThatCode(check::check).doesNotThrowAnyException();
        try (var left = Files.list(writable)) {
            assertThat(left).isEmpty();
        }

        Path readOnly = UnwritableFolder.make(dir);
        try {
            Files.delete(received);
            Files.createSymbolicLink(received, readOnly);
            assertThatThrownBy(check::check).isInstanceOf(IOException.class);
        } finally {
            Files.deleteIfExists(received);
            UnwritableFolder.release(readOnly);
        }
    }

    @Test
    void the_endpoint_wiring_registers_its_meters_and_the_received_files_check() throws Exception {
        start(TestDatabases.sqlite());
        RoleContext context = new RoleContext(db, dir.resolve("data"), Clock.systemUTC(),
                URI.create("http://localhost:1"), null, EnumSet.of(RoleName.ACCOUNTS, RoleName.ENDPOINT));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        context.useMetrics(registry);
        try {
            new EndpointWiring(EndpointSettings.defaults()).build(context);

            assertThat(context.readinessChecks()).containsKey("received-files");
            assertThatCode(context.readinessChecks().get("received-files")::check).doesNotThrowAnyException();
            assertThat(registry.find(EndpointMonitoring.QUEUE_DEPTH).gauges()).hasSize(4);
            assertThat(registry.find(EndpointMonitoring.PARKED).gauge().value()).isZero();
            assertThat(registry.find(EndpointMonitoring.FAILURES).tag("destination", "folder").counter()).isNotNull();
        } finally {
            context.closeResources();
        }
    }
}
