package org.safelight.endpoint.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.FolderDestination;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports.Delivery;
import org.safelight.endpoint.store.ReceivedReports.ReceivedReport;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.StandInKeyServer;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.testing.Keys;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.TestDatabases;

/** The pipeline on SQLite and PostgreSQL: received → opened → delivered, with retries and parking. */
class PipelineTest {
    private static final String TOKEN = "enterprise-key-server-token";
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final StandInKeyServer keyServer = new StandInKeyServer();
    private Database db;
    private StoringIntake intake;
    private Pipeline pipeline;
    private StoredReports reports;

    PipelineTest() throws java.io.IOException {
    }


    private void start(Supplier<Database> database, int retryLimit) throws Exception {
        db = database.get();
        db.migrate("endpoint");
        ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock);
        EndpointStore store = new EndpointStore(db);
        ReportOpening opening = new ReportOpening(files, List.of(URI.create(keyServer.url())), TOKEN,
                Files.createDirectories(dir.resolve("private-keys")), clock);
        pipeline = new Pipeline(store, files, opening, List.of(new FolderDestination(dir.resolve("filed"), clock)),
                new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), retryLimit, () -> 0.5),
                Duration.ofMinutes(10), Duration.ofDays(30), dir.resolve("work"), clock);
        intake = new StoringIntake(files, store, 1 << 20, pipeline.destinationNames(), () -> { });
        reports = new StoredReports(db, clock);
    }

    @AfterEach
    void close() {
        keyServer.close();
        if (db != null) {
            db.close();
        }
    }

    private void receive(byte[] file) throws Exception {
        intake.receive(new ByteArrayInputStream(file), new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org",
                true, null, clock.instant()));
    }

    private ReceivedReport report(String id) {
        return reports.find(id).orElseThrow();
    }

    private Delivery folder(String id) {
        return report(id).deliveries().get(0);
    }

    private long workFiles() throws Exception {
        try (Stream<Path> all = Files.walk(dir.resolve("work"))) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @EachDatabase
    void a_plain_a_dynamic_and_a_static_report_are_filed_and_no_decrypted_copy_is_left(
            Supplier<Database> database) throws Exception {
        start(database, 8);
        KeyPair institution = Keys.rsa();
        Keys.writePrivatePem(Keys.rsa(), dir.resolve("private-keys/old.pem"));
        Keys.writePrivatePem(institution, dir.resolve("private-keys/current.pem"));
        keyServer.key("dyn-1", "k3y");
        receive(TestReports.plain("plain-1"));
        receive(TestReports.dynamic("dyn-1", "k3y", keyServer.url()));
        receive(TestReports.forInstitution("static-1", institution.getPublic()));

        assertThat(pipeline.drain()).isEqualTo(3);

        for (String id : List.of("plain-1", "dyn-1", "static-1")) {
            assertThat(report(id).state()).as(id).isEqualTo("delivered");
            assertThat(folder(id).status()).isEqualTo("delivered");
            assertThat(folder(id).deliveredAt()).isEqualTo(clock.instant());
            assertThat(dir.resolve("filed/" + id + "/report.pdf")).hasContent("%PDF-1.7 a report of " + id);
            assertThat(dir.resolve("filed/" + id + "/report.json")).exists();
        }
        assertThat(keyServer.authorizations()).containsExactly("Bearer " + TOKEN);
        assertThat(workFiles()).isZero();
    }

    @EachDatabase
    void a_key_server_that_is_down_or_busy_means_retry_later_and_the_report_is_filed_when_it_answers(
            Supplier<Database> database) throws Exception {
        start(database, 8);
        keyServer.key("dyn-1", "k3y");
        receive(TestReports.dynamic("dyn-1", "k3y", keyServer.url()));
        keyServer.answer(503);

        pipeline.drain();

        assertThat(report("dyn-1").state()).isEqualTo("waiting");
        assertThat(report("dyn-1").openAttempts()).isEqualTo(1);
        assertThat(report("dyn-1").lastError()).contains("503").contains("retried later");
        assertThat(pipeline.drain()).as("not due before its backoff").isZero();
        keyServer.answer(429);
        clock.advance(Duration.ofSeconds(30));
        pipeline.drain();
        assertThat(report("dyn-1").state()).isEqualTo("waiting");

        keyServer.answer(200);
        clock.advance(Duration.ofMinutes(1));
        pipeline.drain();

        assertThat(report("dyn-1").state()).isEqualTo("delivered");
        assertThat(dir.resolve("filed/dyn-1/report.json")).exists();
    }

    @EachDatabase
    void a_wrong_key_parks_the_report_with_its_reason_and_the_others_are_filed(
            Supplier<Database> database) throws Exception {
        start(database, 8);
        keyServer.key("dyn-1", "not-the-key");
        receive(TestReports.dynamic("dyn-1", "k3y", keyServer.url()));
        receive(TestReports.forInstitution("static-1", Keys.rsa().getPublic()));
        receive(TestReports.dynamic("elsewhere-1", "k3y", "https://keys.untrusted.example"));
        receive(TestReports.plain("plain-1"));

        pipeline.drain();

        assertThat(report("dyn-1").state()).isEqualTo("parked");
        assertThat(report("dyn-1").lastError()).contains("integrity");
        assertThat(report("static-1").state()).isEqualTo("parked");
        assertThat(report("static-1").lastError()).contains("kid");
        assertThat(report("elsewhere-1").state()).isEqualTo("parked");
        assertThat(report("elsewhere-1").lastError()).contains("is not one the Key Server Token may be sent to")
                .contains("--endpoint-key-servers");
        assertThat(report("plain-1").state()).isEqualTo("delivered");
        assertThat(dir.resolve("filed/dyn-1")).doesNotExist();
        assertThat(keyServer.authorizations()).hasSize(1);
        assertThat(workFiles()).isZero();
    }

    @EachDatabase
    void a_private_key_added_to_its_folder_while_running_opens_the_report_parked_for_it_on_retry(
            Supplier<Database> database) throws Exception {
        start(database, 8);
        KeyPair institution = Keys.rsa();
        receive(TestReports.forInstitution("static-1", institution.getPublic()));
        pipeline.drain();
        assertThat(report("static-1").state()).isEqualTo("parked");
        assertThat(report("static-1").lastError()).contains("--endpoint-private-keys");

        Keys.writePrivatePem(institution, dir.resolve("private-keys/added.pem"));
        reports.retry("static-1");
        pipeline.drain();

        assertThat(report("static-1").state()).isEqualTo("delivered");
        assertThat(dir.resolve("filed/static-1/report.json")).exists();
    }

    @EachDatabase
    void a_destination_that_is_down_keeps_the_delivery_pending_until_it_returns(
            Supplier<Database> database) throws Exception {
        start(database, 8);
        receive(TestReports.plain("plain-1"));
        Path filed = dir.resolve("filed");
        Files.delete(filed);
        Files.writeString(filed, "the share is not mounted");

        pipeline.drain();

        assertThat(report("plain-1").state()).isEqualTo("opened");
        assertThat(folder("plain-1").status()).isEqualTo("pending");
        assertThat(folder("plain-1").attempts()).isEqualTo(1);
        assertThat(folder("plain-1").nextAttemptAt()).isEqualTo(clock.instant().plusMillis(22_500));
        assertThat(folder("plain-1").lastError()).contains("could not be written");

        Files.delete(filed);
        Files.createDirectory(filed);
        clock.advance(Duration.ofMillis(22_500));
        pipeline.drain();

        assertThat(folder("plain-1").status()).isEqualTo("delivered");
        assertThat(folder("plain-1").attempts()).isEqualTo(2);
        assertThat(report("plain-1").state()).isEqualTo("delivered");
        assertThat(filed.resolve("plain-1/report.json")).exists();
    }

    @EachDatabase
    void after_the_retry_limit_a_delivery_is_parked_and_a_retry_on_demand_delivers_it(
            Supplier<Database> database) throws Exception {
        start(database, 2);
        receive(TestReports.plain("plain-1"));
        Path filed = dir.resolve("filed");
        Files.delete(filed);
        Files.writeString(filed, "the share is not mounted");
        pipeline.drain();
        clock.advance(Duration.ofHours(2));
        pipeline.drain();

        assertThat(folder("plain-1").status()).isEqualTo("parked");
        assertThat(folder("plain-1").nextAttemptAt()).isNull();
        clock.advance(Duration.ofDays(1));
        assertThat(pipeline.drain()).isZero();

        Files.delete(filed);
        Files.createDirectory(filed);
        assertThat(reports.retry("plain-1")).isEqualTo(1);
        pipeline.drain();

        assertThat(folder("plain-1").status()).isEqualTo("delivered");
        assertThat(report("plain-1").state()).isEqualTo("delivered");
    }

    @EachDatabase
    void a_delivered_reports_received_file_is_removed_after_its_retention(
            Supplier<Database> database) throws Exception {
        start(database, 8);
        receive(TestReports.plain("plain-1"));
        pipeline.drain();
        assertThat(Files.list(dir.resolve("received")).count()).isEqualTo(1);

        clock.advance(Duration.ofDays(29));
        assertThat(pipeline.drain()).isZero();
        clock.advance(Duration.ofDays(1));
        assertThat(pipeline.drain()).isEqualTo(1);

        assertThat(Files.list(dir.resolve("received")).count()).isZero();
        assertThat(report("plain-1").state()).isEqualTo("delivered");
        assertThat(dir.resolve("filed/plain-1/report.json")).exists();
    }
}
