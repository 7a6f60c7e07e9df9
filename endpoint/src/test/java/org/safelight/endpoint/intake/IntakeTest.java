package org.safelight.endpoint.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.testing.HostileZips;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.Zips;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.TestDatabases;

class IntakeTest {
    private static final String ID = "0000000011462800528240abcde";
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final AtomicInteger wakes = new AtomicInteger();
    private Database db;
    private ReceivedFiles files;
    private StoredReports reports;
    private StoringIntake intake;

    @BeforeEach
    void open() throws IOException {
        start(TestDatabases.sqlite(), 1 << 20);
    }

    private void start(Database database, long maxSize) throws IOException {
        if (db != null) {
            db.close();
        }
        db = database;
        db.migrate("endpoint");
        files = new ReceivedFiles(dir.resolve("received"), MasterKey.load(dir, Map.of()), clock);
        reports = new StoredReports(db, clock);
        intake = new StoringIntake(files, new EndpointStore(db), maxSize, List.of("folder", "forward"),
                wakes::incrementAndGet);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Arrival arrival() {
        return new Arrival(Arrival.Source.HTTPS, "noor.haddad@example.org", true, null, clock.instant());
    }

    private Intake.Receipt receive(byte[] file) throws Exception {
        return intake.receive(new ByteArrayInputStream(file), arrival());
    }

    private List<Path> received() throws IOException {
        try (Stream<Path> all = Files.list(dir.resolve("received"))) {
            return all.toList();
        }
    }


    @EachDatabase
    void a_plain_report_is_recorded_with_a_pending_delivery_per_destination_and_kept_encrypted(
            Supplier<Database> database) throws Exception {
        start(database.get(), 1 << 20);
        byte[] plain = TestReports.plain(ID);

        Intake.Receipt receipt = receive(plain);

        assertThat(receipt).isEqualTo(new Intake.Receipt(ID, false));
        assertThat(wakes).hasValue(1);
        ReceivedReports.ReceivedReport report = reports.find(ID).orElseThrow();
        assertThat(report.kind()).isEqualTo("plain");
        assertThat(report.state()).isEqualTo("received");
        assertThat(report.size()).isEqualTo(plain.length);
        assertThat(report.senderEmail()).isEqualTo("noor.haddad@example.org");
        assertThat(report.deliveries()).extracting(ReceivedReports.Delivery::destination, ReceivedReports.Delivery::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("folder", "pending"),
                        org.assertj.core.groups.Tuple.tuple("forward", "pending"));
        List<Path> stored = received();
        assertThat(stored).hasSize(1);
        byte[] atRest = Files.readAllBytes(stored.get(0));
        assertThat(new String(atRest, StandardCharsets.ISO_8859_1)).doesNotContain("a photo of").doesNotContain("metadata.json");
        try (InputStream back = files.read(stored.get(0), ReceivedFiles.AtRest.MASTER_KEY)) {
            assertThat(back.readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void a_sealed_report_is_kept_as_it_came() throws Exception {
        byte[] dynamic = TestReports.dynamic(ID, "k3y", "https://keys.example.org");
        byte[] forUs = TestReports.forInstitution("static-1", Keys.rsa().getPublic());

        receive(dynamic);
        receive(forUs);

        assertThat(reports.find(ID).orElseThrow().kind()).isEqualTo("dynamic");
        assertThat(reports.find("static-1").orElseThrow().kind()).isEqualTo("static");
        assertThat(received()).extracting(p -> Files.readAllBytes(p))
                .anySatisfy(b -> assertThat(b).isEqualTo(dynamic))
                .anySatisfy(b -> assertThat(b).isEqualTo(forUs));
    }

    @Test
    void a_sealed_report_without_a_report_id_takes_it_from_the_name_it_was_sent_under() throws Exception {
        byte[] zip = TestReports.plain(ID);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.safelight.format.picsafe.PicsafeWriter.write(out, new org.safelight.format.picsafe.Protection.DynamicKey(
                "k3y", "https://keys.example.org"), null, o -> o.write(zip));

        Intake.Receipt receipt = intake.receive(new ByteArrayInputStream(out.toByteArray()), ID + ".picsafe", arrival());

        assertThat(receipt.reportId()).isEqualTo(ID);
        assertThatThrownBy(() -> receive(out.toByteArray()))
                .isInstanceOfSatisfying(IntakeRefusedException.class, e -> assertThat(e.code()).isEqualTo("not_a_report"));
    }

    @Test
    void the_same_report_again_answers_the_first_receipt_and_other_bytes_under_its_id_are_refused() throws Exception {
        byte[] plain = TestReports.plain(ID);
        receive(plain);

        assertThat(receive(plain)).isEqualTo(new Intake.Receipt(ID, true));
        byte[] other = TestReports.dynamic(ID, "k3y", "https://keys.example.org");
        assertThatThrownBy(() -> receive(other))
                .isInstanceOfSatisfying(IntakeRefusedException.class,
                        e -> assertThat(e.code()).isEqualTo("report_id_conflict"));
        assertThat(received()).hasSize(1);
        assertThat(wakes).hasValue(1);
    }

    @Test
    void a_file_over_the_size_limit_is_refused_and_nothing_is_left() throws Exception {
        start(TestDatabases.sqlite(), 1000);
        assertThatThrownBy(() -> receive(TestReports.plain(ID)))
                .isInstanceOfSatisfying(IntakeRefusedException.class, e -> assertThat(e.code()).isEqualTo("too_large"));
        assertThat(received()).isEmpty();
        assertThat(reports.find(ID)).isEmpty();
    }

    @Test
    void hostile_zips_are_refused_by_the_one_zip_reading_and_nothing_is_kept() throws Exception {
        byte[] sealed = TestReports.dynamic(ID, "k3y", "https://keys.example.org");
        byte[] plain = TestReports.plain(ID);
        for (byte[] hostile : List.of(HostileZips.splitView(sealed, plain), HostileZips.splitView(plain, sealed),
                HostileZips.appended(sealed, plain), HostileZips.gapBeforeDirectory(plain, "hidden".getBytes()),
                HostileZips.gapAfterFirstEntry(sealed, "hidden".getBytes()),
                HostileZips.withInvalidUtf8Name(plain, "report.pdf"),
                Zips.create().add("../metadata.json", "{}").bytes())) {
            assertThatThrownBy(() -> receive(hostile))
                    .isInstanceOfSatisfying(IntakeRefusedException.class, e -> assertThat(e.code()).isEqualTo("unsafe_zip"));
        }
        assertThat(received()).isEmpty();
        assertThat(reports.list(Optional.empty(), Optional.empty(), 10)).isEmpty();
    }

    @Test
    void what_is_not_a_report_is_refused() throws Exception {
        for (byte[] notAReport : List.of("hello".getBytes(), new byte[0],
                Zips.create().add("notes.txt", "hi").bytes(),
                Zips.create().add("package.json", "{\"keyserver_url\": \"https://k.example\"}").bytes(),
                Zips.create().add("metadata.json", "{").bytes())) {
            assertThatThrownBy(() -> receive(notAReport))
                    .isInstanceOfSatisfying(IntakeRefusedException.class, e -> assertThat(e.code()).isEqualTo("not_a_report"));
        }
        assertThat(received()).isEmpty();
    }

    @Test
    void an_acknowledged_report_is_on_disk_and_committed_for_a_new_connection() throws Exception {
        Path data = Files.createTempDirectory("safelight-endpoint-durable-");
        Database first = Database.open(Database.sqliteUrl(data));
        start(first, 1 << 20);
        receive(TestReports.plain(ID));
        first.close();
        db = Database.open(Database.sqliteUrl(data));

        ReceivedReports.ReceivedReport report = new StoredReports(db, clock).find(ID).orElseThrow();
        assertThat(report.state()).isEqualTo("received");
        assertThat(received()).singleElement().satisfies(p -> assertThat(Files.size(p)).isPositive());
    }
}
